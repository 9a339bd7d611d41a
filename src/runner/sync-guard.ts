import type { Logger } from "../logging/index.js";

/** A synchronous stretch longer than this (ms) makes its task "slow" again. */
const SLOW_SYNC_MS = 2;

/**
 * Keeps a backend that groups its writes (SQLite holds its write lock until the end of the event-loop
 * turn, see `Backend.flush`) from being held by task code that computes synchronously. Flushing before
 * every task would cost most of the grouping, so it learns per task: the backend is flushed before a
 * task's code until its synchronous stretch has been measured short, and again after one ran long. So
 * a task that blocks the thread never holds the lock while it does, except when a call of a task that
 * was quick so far runs long (it is flushed before from then on).
 */
export class SyncGuard {
  /** Tasks whose last synchronous stretch was short. */
  private readonly quick = new Set<string>();

  constructor(
    private readonly flush: () => void,
    private readonly logger: Logger,
  ) {}

  /** Run the start of a task's code (`code` returns its promise), flushing first unless it is quick. */
  start<T>(taskId: string, code: () => T): T {
    const quick = this.quick.has(taskId);
    if (!quick) this.flush();
    const began = performance.now();
    const value = code();
    const took = performance.now() - began;
    if (took <= SLOW_SYNC_MS) {
      if (!quick) this.quick.add(taskId);
    } else {
      this.quick.delete(taskId);
      if (quick && this.logger.isEnabled("debug")) {
        this.logger.debug(
          `Task ${taskId} ran ${took.toFixed(1)} ms of synchronous code: the backend is flushed before its code from now on, so other processes are not kept waiting`,
        );
      }
    }
    return value;
  }

  /** The task's code goes on after a wait: flush first unless it is quick. */
  resume(taskId: string): void {
    if (!this.quick.has(taskId)) this.flush();
  }
}
