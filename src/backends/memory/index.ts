import type { Backend } from "../backend.js";
import { MemoryBroker } from "./memory-broker.js";
import { MemoryDataStore } from "./memory-data-store.js";
import { MemoryNotifier } from "./memory-notifier.js";
import { MemoryOrchestratorStore } from "./memory-orchestrator-store.js";
import { MemoryStateBackend } from "./memory-state-backend.js";
import { MemoryTable } from "./memory-table.js";
import { MemoryTriggerStore } from "./memory-trigger-store.js";

export {
  MemoryBroker,
  MemoryDataStore,
  MemoryNotifier,
  MemoryOrchestratorStore,
  MemoryStateBackend,
  MemoryTriggerStore,
};

/** Everything in this process: zero set-up, for tests and single-process apps. */
export function memoryBackend(): Backend {
  const notifier = new MemoryNotifier();
  const table = new MemoryTable();
  const broker = new MemoryBroker(() => notifier.publishWork());
  return {
    name: "memory",
    sharedAcrossProcesses: false,
    broker,
    orchestratorStore: new MemoryOrchestratorStore(table),
    stateBackend: new MemoryStateBackend(table),
    notifier,
    dataStore: new MemoryDataStore(),
    triggerStore: new MemoryTriggerStore(),
    close: async () => {
      broker.dispose();
      await notifier.close();
    },
  };
}
