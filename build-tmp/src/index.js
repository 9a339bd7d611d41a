export { Tynenc } from "./app.js";
export { Invocation } from "./invocation/invocation.js";
export { InvocationStatus, STATUS_TABLE, FINAL_STATUSES, RUNNABLE_STATUSES, isFinal, isRunnable, transition, } from "./invocation/status.js";
export { RunnerCls } from "./runner/runner.js";
export { ThreadRunner } from "./runner/thread-runner.js";
export { DummyRunner } from "./runner/dummy-runner.js";
export { memoryBackend } from "./backends/memory/index.js";
export { Orchestrator } from "./orchestrator/orchestrator.js";
export * from "./errors/errors.js";
export { AppConfig } from "./config/index.js";
export { JsonSerializer } from "./serializer/index.js";
//# sourceMappingURL=index.js.map