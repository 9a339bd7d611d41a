import type { Backend } from "../../backends/backend.js";
import type { Outcome } from "../../invocation/invocation-record.js";
import type { Logger } from "../../logging/index.js";
import type { Orchestrator } from "../../orchestrator/orchestrator.js";
import type { RetryDecision } from "../../retry/index.js";
import type { Awaitable } from "../../util/awaitable.js";
import type { TynencEvents } from "../../events.js";
import type { SafeEmitter } from "../../logging/index.js";

/** What a pool runner (MultiThreadRunner, PersistentProcessRunner, ProcessRunner) needs from its app. */
export interface PoolHost {
  readonly appId: string;
  readonly logger: Logger;
  readonly backend: Backend;
  readonly orchestrator: Orchestrator;
  readonly events: SafeEmitter<TynencEvents>;
  /** Task ids of the parent's app: every worker's app must have them. */
  taskIds(): string[];
  /** The configuration values that are not defaults: each worker's app gets them. */
  configValues(): Record<string, unknown>;
  maxParallelSlots(): number;
  workers(): number;
  workerMaxOldSpaceMb(): number;
  stopGraceMs(): number;
  timeoutMs(taskId: string): number;
  retryDecision(taskId: string, error: unknown, failedAttempts: number): RetryDecision;
  outcomeOf(
    taskId: string,
    result: { ok: true; value: unknown } | { ok: false; error: unknown },
  ): Awaitable<Outcome>;
}
