import { type Flow } from "../util/flow.js";
import type { OrchestratorStore } from "./orchestrator-store.js";
/**
 * Orders candidates by how many invocations wait for them, directly or transitively, most first; ties
 * keep the given order (oldest waited-on first).
 */
export declare function rankByWaiters(store: Pick<OrchestratorStore, "waitersOf">, candidates: readonly string[]): Flow<string[]>;
