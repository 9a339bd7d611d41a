import { type Flow } from "../util/flow.js";
import type { OrchestratorStore } from "./orchestrator-store.js";
/**
 * Would the edges `waiter -> waited` close a cycle? Walks "waits for" edges from the waited ids,
 * breadth first, level by level (one store call a level). A flow step (see util/flow.ts). Returns the cycle as a path that starts and
 * ends with the waiter, or undefined.
 */
export declare function findWaitCycle(store: Pick<OrchestratorStore, "waitingFor">, waiterId: string, waitedIds: readonly string[]): Flow<string[] | undefined>;
