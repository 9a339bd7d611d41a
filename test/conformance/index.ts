import type { Backend } from "../../src/backends/backend.js";
import type { DataStore } from "../../src/data-store/data-store.js";
import { brokerCases } from "./broker.case.js";
import { concurrencyCases } from "./concurrency.case.js";
import { dataStoreCases } from "./data-store.case.js";
import { deliveryCases } from "./delivery.case.js";
import type { BackendFactory } from "./harness.js";
import { notifierCases } from "./notifier.case.js";
import { orchestratorStoreCases } from "./orchestrator-store.case.js";
import { recoveryCases } from "./recovery.case.js";
import { retentionCases } from "./retention.case.js";
import { stateBackendCases } from "./state-backend.case.js";
import { waitGraphCases } from "./wait-graph.case.js";

export type { BackendFactory } from "./harness.js";
export {
  brokerCases,
  notifierCases,
  orchestratorStoreCases,
  recoveryCases,
  retentionCases,
  stateBackendCases,
  waitGraphCases,
};

/**
 * Declares the whole behaviour suite of DESIGN §7 for one backend. `makeBackend` must return a fresh,
 * empty backend on every call (its own key prefix, its own database file...); each test closes its
 * backend when done. A backend is done when it passes all of it.
 */
export function runConformance(name: string, makeBackend: BackendFactory): void {
  brokerCases(name, makeBackend);
  orchestratorStoreCases(name, makeBackend);
  waitGraphCases(name, makeBackend);
  stateBackendCases(name, makeBackend);
  notifierCases(name, makeBackend);
  retentionCases(name, makeBackend);
  concurrencyCases(name, makeBackend);
  deliveryCases(name, makeBackend);
  recoveryCases(name, makeBackend);
  const open = new Map<DataStore, Backend>();
  dataStoreCases(
    name,
    async () => {
      const backend = await makeBackend();
      open.set(backend.dataStore, backend);
      return backend.dataStore;
    },
    async (store) => {
      await open.get(store)?.close();
      open.delete(store);
    },
  );
}
