import { MemoryBroker } from "./memory-broker.js";
import { MemoryNotifier } from "./memory-notifier.js";
import { MemoryOrchestratorStore } from "./memory-orchestrator-store.js";
import { MemoryStateBackend } from "./memory-state-backend.js";
export { MemoryBroker, MemoryNotifier, MemoryOrchestratorStore, MemoryStateBackend };
/** Everything in this process: zero set-up, for tests and single-process apps. */
export function memoryBackend() {
    const notifier = new MemoryNotifier();
    return {
        name: "memory",
        sharedAcrossProcesses: false,
        broker: new MemoryBroker(),
        orchestratorStore: new MemoryOrchestratorStore(),
        stateBackend: new MemoryStateBackend(),
        notifier,
        close: () => notifier.close(),
    };
}
//# sourceMappingURL=index.js.map