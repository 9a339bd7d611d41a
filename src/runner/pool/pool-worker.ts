/**
 * How a pool worker reaches its app's copy of tynenc. The app module may load tynenc from another path
 * than worker-main does (a project's node_modules, tynenc's source): the runner is made by the app
 * itself, through a method under a registry symbol, so it is of the app's own copy.
 */
import type { ThreadRunner, ThreadRunnerOptions } from "../thread-runner.js";

/** The app's method that makes a pool worker's ThreadRunner. */
export const POOL_WORKER_RUNNER: unique symbol = Symbol.for("tynenc.poolWorkerRunner") as never;

/** Set on globalThis (to the app module's path) inside a pool worker. */
export const IN_POOL_WORKER = Symbol.for("tynenc.inPoolWorker");

export interface PoolWorkerApp {
  [POOL_WORKER_RUNNER](options: ThreadRunnerOptions): ThreadRunner;
}

/** The app module's path when this thread or process is a pool worker; undefined elsewhere. */
export function poolWorkerModule(): string | undefined {
  return (globalThis as Record<symbol, unknown>)[IN_POOL_WORKER] as string | undefined;
}
