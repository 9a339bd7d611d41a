import type { Logger } from "../logging/index.js";
import { settlesWithin } from "../util/settles-within.js";

/**
 * How long a runner's stop waits for its store's answers: a claim under way, the reroute of what
 * outlived the grace period, leaving the registry. A network store (Redis) may be away, and its client
 * holds each command for a reconnect for half a minute or more; so the stop gives all these answers,
 * together, the backend's `closeGraceMs`, not counting the time it waits for running tasks (that is
 * stopGraceMs). Once the budget is spent the backend counts as not answering: later waits of the same
 * stop take only what has already settled. Without a grace (memory, SQLite: they always answer) a stop
 * waits as long as it takes. app.close() hands its runner the budget it goes on with for the app's own
 * writes and the backend's close, so that close waits for the store `closeGraceMs` in all.
 */
export class StopBudget {
  /** What is left of the budget while it is paused (undefined: no bound). */
  private left: number | undefined;
  /** When it runs out, while it runs. */
  private runsOutAt: number | undefined;
  private spent: boolean;
  private readonly onSpent: (() => void) | undefined;

  /**
   * `spent`: the store is known not to answer already (a stop just waited it out), so nothing is waited
   * for. `onSpent`: called when the budget runs out in a wait.
   */
  constructor(
    private readonly grace: number | undefined,
    private readonly logger: Logger,
    options: { readonly spent?: boolean; readonly onSpent?: () => void } = {},
  ) {
    this.left = grace;
    this.spent = options.spent === true;
    this.onSpent = options.onSpent;
    this.resume();
  }

  /** The budget runs from here (again, after a wait for tasks, which it does not count). */
  resume(): void {
    if (this.left !== undefined) this.runsOutAt = performance.now() + (this.spent ? 0 : this.left);
  }

  /** When the budget runs out (a `performance.now()` time), or undefined when it has no bound. */
  get deadline(): number | undefined {
    return this.runsOutAt;
  }

  /** Pauses the budget while the stop waits for running tasks. */
  pause(): void {
    if (this.runsOutAt !== undefined) this.left = Math.max(0, this.runsOutAt - performance.now());
  }

  /**
   * Waits for `promise` while the budget lasts; false when it did not settle in time (the first time,
   * with a warning that names `what`). A rejection in time is thrown.
   */
  async wait(promise: Promise<unknown> | undefined, what: string): Promise<boolean> {
    if (!promise) return true;
    if (this.runsOutAt === undefined) {
      await promise;
      return true;
    }
    if (await settlesWithin(promise, this.runsOutAt - performance.now())) return true;
    if (!this.spent) {
      this.onSpent?.();
      this.logger.warn(
        `Not waiting longer for ${what}: the backend did not answer within its close grace (${this.grace} ms); what still waits for it fails when its connections close`,
      );
    }
    this.spent = true;
    return false;
  }
}
