import type { Logger } from "../logging/index.js";
import type { Invocation } from "../invocation/invocation.js";
/** Options given to `app.task(...)`. Later features add fields here. */
export interface TaskOptions {
    /** The task id; defaults to the name given to `app.task` or the function's own name. */
    readonly name?: string;
    /** Task-level configuration fields (see docs/configuration.md), e.g. `maxRetries`. */
    readonly [field: string]: unknown;
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
    readonly options: TaskOptions;
}
export type TaskOf<F extends TaskFunction> = Task<Parameters<F>, Awaited<ReturnType<F>>>;
/** Any task, whatever its types. */
export type AnyTask = Task<any[], unknown>;
