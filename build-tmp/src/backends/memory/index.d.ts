import type { Backend } from "../backend.js";
import { MemoryBroker } from "./memory-broker.js";
import { MemoryNotifier } from "./memory-notifier.js";
import { MemoryOrchestratorStore } from "./memory-orchestrator-store.js";
import { MemoryStateBackend } from "./memory-state-backend.js";
export { MemoryBroker, MemoryNotifier, MemoryOrchestratorStore, MemoryStateBackend };
/** Everything in this process: zero set-up, for tests and single-process apps. */
export declare function memoryBackend(): Backend;
