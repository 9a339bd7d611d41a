import type { Logger } from "../logging/index.js";
import type { Invocation } from "../invocation/invocation.js";
import type { TaskConfigValues } from "../config/index.js";
import type { ErrorClass } from "../retry/index.js";
import type { CallOptions } from "./call-options.js";
import type { InvocationGroup } from "./invocation-group.js";
import type { Trigger } from "../triggers/trigger.js";

/**
 * Options given to `app.task(...)`: the task settings of docs/configuration.md (which config files and
 * `TYNENC__TASK__<ID>__<FIELD>` can override) plus options that only code can give.
 */
export interface TaskOptions<A extends unknown[] = any[]> extends Partial<TaskConfigValues> {
  /** The task id; defaults to the name given to `app.task` or the function's own name. */
  readonly name?: string;
  /** Errors (classes) worth another attempt, within `maxRetries`. `RetryError` always is. */
  readonly retryFor?: readonly ErrorClass[];
  /** 0-based positions of arguments kept inline however large (see largeValueThresholdBytes). */
  readonly inlineArgs?: readonly number[];
  /**
   * The key of the `"keys"` concurrency modes, a function of the task's own arguments: calls with equal
   * keys share a scope (e.g. `(userId: string, amount: number) => userId`).
   */
  readonly concurrencyKey?: (...args: A) => unknown;
  /**
   * When the task starts itself (see docs/triggers.md): made by `cron`, `onEvent`, `onStatus`,
   * `onSuccess`, `onFailure`, `allOf`, `anyOf`; each calls the task with its `args` (none without).
   */
  readonly triggers?: readonly Trigger<Readonly<A>>[];
}

export type TaskFunction = (...args: any[]) => Promise<unknown>;

/** A registered task: call it like the function to register an invocation. Types come from `fn`. */
export interface Task<A extends unknown[], R> {
  (...args: A): Invocation<R>;
  readonly id: string;
  /** Logs with the task's context, plus the invocation's and runner's when called inside one. */
  readonly logger: Logger;
  /** The plain function, callable directly (no invocation, no runner). */
  readonly fn: (...args: A) => Promise<R>;
  readonly options: TaskOptions<A>;
  /** Register one invocation per argument list, in one batch; the group awaits them together. */
  parallelize(argsList: Iterable<A>): InvocationGroup<R>;
  /**
   * The task with options for its calls: `task.with({ delayMs: 5000 })(...args)` registers an
   * invocation at once that no runner claims before its due time. Options are checked here.
   */
  with(options: CallOptions): TaskCaller<A, R>;
}

/** A task bound to call options (`task.with(options)`): call it, or `parallelize`, as the task itself. */
export interface TaskCaller<A extends unknown[], R> {
  (...args: A): Invocation<R>;
  /** Register one invocation per argument list, each with these options, in one batch. */
  parallelize(argsList: Iterable<A>): InvocationGroup<R>;
}

export type TaskOf<F extends TaskFunction> = Task<Parameters<F>, Awaited<ReturnType<F>>>;

/** Any task, whatever its types. */
export type AnyTask = Task<any[], unknown>;
