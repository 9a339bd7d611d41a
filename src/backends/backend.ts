import type { Broker } from "../broker/broker.js";
import type { DataStore } from "../data-store/data-store.js";
import type { InvocationRecord } from "../invocation/invocation-record.js";
import type { Notifier } from "../orchestrator/notifier.js";
import type { NewStatus, OrchestratorStore } from "../orchestrator/orchestrator-store.js";
import type { StateBackend } from "../state-backend/state-backend.js";

/** Everything a technology provides, built by one factory (`memoryBackend()`, later `sqliteBackend()`...). */
export interface Backend {
  readonly name: string;
  /** False when everything lives in this process (only in-process runners can use it). */
  readonly sharedAcrossProcesses: boolean;
  readonly broker: Broker;
  readonly orchestratorStore: OrchestratorStore;
  readonly stateBackend: StateBackend;
  readonly notifier: Notifier;
  /** Large arguments and results, stored once by content hash. */
  readonly dataStore: DataStore;
  /**
   * Make this process's writes visible to other processes now, if the backend holds them back to group
   * them (SQLite commits once per event-loop turn). Runners call it before task code runs, so
   * synchronous task code never keeps the store locked for other processes.
   */
  flush?(): void;
  /**
   * Optional, for a backend over the network: `orchestratorStore.register` (items without registration or
   * cache keys), `stateBackend.saveInvocations` and `broker.route` of the same batch, in one atomic step
   * per chunk of it, in batch order. `stored(from, to)` is called once a chunk (`items.slice(from, to)`)
   * is stored and routed, so it can be announced before the rest are in. Without it, the orchestrator
   * makes the three calls in turn (memory and SQLite answer each at once).
   */
  registerAndRoute?(
    items: readonly NewStatus[],
    records: readonly InvocationRecord[],
    runnerId: string | null,
    at: number,
    stored: (from: number, to: number) => void,
  ): Promise<void>;
  /**
   * Settles once a backend with a network connection is usable; rejects with a BackendError that says
   * what is wrong (host, port, password). Absent on embedded backends.
   */
  readonly ready?: Promise<void>;
  close(): Promise<void>;
}
