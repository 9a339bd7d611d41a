import { RunnerCls } from "../runner.js";
import { PoolBase, type PoolWorker } from "./pool-base.js";
import type { PoolHost } from "./pool-host.js";
import type { WorkerExit } from "./worker-handle.js";

/**
 * A fixed pool of `workers`, each a ThreadRunner of `maxParallelSlots` slots claiming on its own;
 * a worker that dies is replaced.
 */
abstract class FixedPool extends PoolBase {
  protected started(): void {
    for (let i = 0; i < this.host.workers(); i++) this.spawn(false);
  }

  protected respawn(): void {
    this.spawn(false);
  }

  protected onReady(): void {}

  protected onGone(worker: PoolWorker, exit: WorkerExit): void {
    if (!exit.expected || !worker.stopping) this.replace(worker);
  }

  protected totalSlots(): number {
    return this.host.workers() * this.host.maxParallelSlots();
  }
}

/** A pool of worker_threads, each running a ThreadRunner loop: every core on one process. */
export class MultiThreadRunner extends FixedPool {
  readonly cls = RunnerCls.MultiThreadRunner;

  constructor(host: PoolHost) {
    super(host, "thread");
  }

  protected describe(): string {
    return `${this.host.workers()} worker thread(s) x ${this.host.maxParallelSlots()} slot(s)`;
  }
}

/** A pool of long-lived child processes, each running a ThreadRunner loop; one that dies is replaced. */
export class PersistentProcessRunner extends FixedPool {
  readonly cls = RunnerCls.PersistentProcessRunner;

  constructor(host: PoolHost) {
    super(host, "process");
  }

  protected describe(): string {
    return `${this.host.workers()} child process(es) x ${this.host.maxParallelSlots()} slot(s)`;
  }
}
