// The public types mention Node's (AbortSignal, AsyncDisposable, NodeJS.ProcessEnv): the emitted
// declarations must load @types/node even in a consumer whose tsconfig "types" does not list it.
/// <reference types="node" preserve="true" />
export { Tynenc, type TynencOptions } from "./app.js";
export type { Task, TaskOptions, TaskFunction, TaskOf, AnyTask, TaskCaller } from "./task/task.js";
export type { CallOptions } from "./task/call-options.js";
export { Invocation } from "./invocation/invocation.js";
export { InvocationGroup, type GroupOutcome } from "./task/invocation-group.js";
export type { DataStore } from "./data-store/data-store.js";
export { LargeValues } from "./data-store/index.js";
export type { ErrorClass } from "./retry/index.js";
export {
  InvocationStatus,
  STATUS_TABLE,
  FINAL_STATUSES,
  RUNNABLE_STATUSES,
  isFinal,
  isRunnable,
  transition,
  type HistoryEntry,
  type StatusRecord,
  type StatusDefinition,
} from "./invocation/status.js";
export type { InvocationRecord, Outcome } from "./invocation/invocation-record.js";
export {
  cron,
  onEvent,
  onStatus,
  onSuccess,
  onFailure,
  allOf,
  anyOf,
  type Trigger,
  type TriggerArgs,
  type TriggerKind,
  type TriggerPart,
  type EventContext,
  type SuccessContext,
  type FailureContext,
  type StatusContext,
  type CronContext,
  type CompositeContext,
} from "./triggers/trigger.js";
export type { TriggerStore, TriggerSource, TriggeredBy } from "./triggers/trigger-store.js";
export { RunnerCls, type Runner, type RunOptions } from "./runner/runner.js";
export { ThreadRunner } from "./runner/thread-runner.js";
export { DummyRunner } from "./runner/dummy-runner.js";
export type { Backend } from "./backends/backend.js";
export { memoryBackend, MemoryDataStore } from "./backends/memory/index.js";
export { sqliteBackend, type SqliteBackendOptions } from "./backends/sqlite/index.js";
export type { Broker } from "./broker/broker.js";
export type { StateBackend } from "./state-backend/state-backend.js";
export type { OrchestratorStore, NewStatus, RunnerInfo } from "./orchestrator/orchestrator-store.js";
export type { Notifier, Unsubscribe } from "./orchestrator/notifier.js";
export { Orchestrator } from "./orchestrator/orchestrator.js";
export * from "./errors/errors.js";
export { AppConfig, type AppConfigValues } from "./config/index.js";
export type { Logger, LoggerLike, LogContext, LogLevelName } from "./logging/index.js";
export { JsonSerializer, type Serializer } from "./serializer/index.js";
