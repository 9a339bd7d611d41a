import type { Invocation } from "../invocation/invocation.js";
import type { InvocationRecord, Outcome } from "../invocation/invocation-record.js";
import type { TynencEvents } from "../events.js";
import type { Logger, SafeEmitter } from "../logging/index.js";
import type { Notifier } from "../orchestrator/notifier.js";
import type { Orchestrator } from "../orchestrator/orchestrator.js";
import type { OrchestratorStore } from "../orchestrator/orchestrator-store.js";
import type { RecoveryLimits } from "../orchestrator/recovery.js";
import type { Registrar } from "../invocation/registrar.js";
import type { RetryDecision } from "../retry/index.js";
import type { Awaitable } from "../util/awaitable.js";
import type { CronClock } from "../triggers/cron-clock.js";
import type { StopBudget } from "./stop-budget.js";

/** A claimed invocation made ready to execute: its handle and the call of its task function. */
export interface PreparedInvocation {
  readonly id: string;
  readonly taskId: string;
  /** The invocation's handle (an implementation may make it on first read: most tasks never ask). */
  readonly handle: Invocation<unknown>;
  /** Calls the task function with the invocation's arguments. */
  call(): Promise<unknown>;
}

/** Heartbeat and recovery settings (config), and whether the backend is shared across processes. */
export interface RecoverySettings extends RecoveryLimits {
  readonly heartbeatIntervalMs: number;
  /** Only then do runners beat and recover: an in-process backend dies with its only process. */
  readonly sharedAcrossProcesses: boolean;
}

/** The store's runner registry and leases (heartbeat.ts). */
export type RunnerRegistry = Pick<OrchestratorStore, "heartbeat" | "removeRunner" | "acquireLease">;

/** What a runner needs from its app. An interface so runners in other threads can provide their own. */
export interface RunnerHost {
  readonly appId: string;
  readonly orchestrator: Orchestrator;
  readonly notifier: Notifier;
  readonly logger: Logger;
  readonly events: SafeEmitter<TynencEvents>;
  maxParallelSlots(): number;
  stopGraceMs(): number;
  /**
   * How long a stop waits, in all, for the store's answers (a claim under way, reroutes, leaving the
   * registry; see stop-budget.ts); absent: as long as they take. `logger`: whose the warning is when
   * the store does not answer in time.
   */
  stopBudget?(logger: Logger): StopBudget;
  /** Resolve the task and arguments of a claimed invocation; throws UnknownTaskError and decoding errors. */
  prepare(record: InvocationRecord, localParent?: Invocation<unknown>): Awaitable<PreparedInvocation>;
  /** Turn a return value or a thrown error into a stored outcome (a failing serialization becomes a failure). */
  outcomeOf(
    taskId: string,
    result: { ok: true; value: unknown } | { ok: false; error: unknown },
  ): Awaitable<Outcome>;
  /** The task's timeoutMs (0: none). */
  timeoutMs(taskId: string): number;
  /** Whether a failed attempt is retried, and after how long (the task's retry options). */
  retryDecision(taskId: string, error: unknown, failedAttempts: number): RetryDecision;
  /**
   * A runner has stopped, having put `rerouted` back in the queue (killed at the end of its grace
   * period): the app tells the user if nothing is left to run them.
   */
  runnerStopped(rerouted: readonly string[]): void;
  /** Where the runner registers, beats and takes the recovery lease. */
  readonly runnerRegistry: RunnerRegistry;
  recoverySettings(): RecoverySettings;
  /**
   * The clock of the app's cron triggers, or undefined when it has none. `holdsLease`: whether this
   * runner holds the recovery lease now (only then does a tick fire).
   */
  triggerClock?(holdsLease: () => boolean): CronClock | undefined;
  /** Where calls made by running invocations are batched and stored. */
  readonly registrar: Registrar;
}
