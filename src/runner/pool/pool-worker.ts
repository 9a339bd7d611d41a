/**
 * How a pool worker reaches its app. The worker imports the app module; the module may load tynenc from
 * another path than worker-main does (a project's node_modules, tynenc's source), so the worker's runner
 * is made by the app itself, through a method under a registry symbol, and is of the app's own copy.
 *
 * A module may also start its runner when imported (`await app.runner.run({ module: import.meta.url })`
 * at the top of the module that exports the app). Inside a worker that call must not start a pool of its
 * own: `app.runner` is then an AdoptedRunner, whose run() hands the app to the worker and resolves when
 * the worker's runner stops. The same module then serves as the pool's entry and as its workers' app.
 */
import type { ThreadRunner, ThreadRunnerOptions } from "../thread-runner.js";
import type { Runner, RunnerCls } from "../runner.js";

/** The app's method that makes a pool worker's ThreadRunner. */
export const POOL_WORKER_RUNNER: unique symbol = Symbol.for("tynenc.poolWorkerRunner") as never;

/** Set on globalThis inside a pool worker. */
const IN_POOL_WORKER = Symbol.for("tynenc.inPoolWorker");

export interface PoolWorkerApp {
  [POOL_WORKER_RUNNER](options: ThreadRunnerOptions): ThreadRunner;
}

/** What a pool worker offers the app module it imports. */
export interface PoolWorkerHook {
  readonly runnerId: string;
  readonly cls: RunnerCls;
  /** The module started `app`'s runner: that app is the worker's. Resolves when the worker's runner stops. */
  adopt(app: unknown): Promise<void>;
  readonly running: boolean;
  /** Stop the worker's runner (and then the worker). */
  stop(): Promise<void>;
}

export function setPoolWorkerHook(hook: PoolWorkerHook): void {
  (globalThis as Record<symbol, unknown>)[IN_POOL_WORKER] = hook;
}

/** The hook when this thread or process is a pool worker; undefined elsewhere. */
export function poolWorkerHook(): PoolWorkerHook | undefined {
  return (globalThis as Record<symbol, unknown>)[IN_POOL_WORKER] as PoolWorkerHook | undefined;
}

/** `app.runner` inside a pool worker: running it joins the worker's runner instead of starting another. */
export class AdoptedRunner implements Runner {
  constructor(
    private readonly app: unknown,
    private readonly hook: PoolWorkerHook,
  ) {}

  get id(): string {
    return this.hook.runnerId;
  }

  get cls(): RunnerCls {
    return this.hook.cls;
  }

  get running(): boolean {
    return this.hook.running;
  }

  run(): Promise<void> {
    return this.hook.adopt(this.app);
  }

  stop(): Promise<void> {
    return this.hook.stop();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
