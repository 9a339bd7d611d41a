import { isPromise, type Awaitable } from "../util/awaitable.js";
import type { Logger } from "../logging/index.js";
import type { Execution } from "./execution.js";
import type { RunnerHost } from "./runner-host.js";
import type { SyncGuard } from "./sync-guard.js";

/** A paused execution whose dependencies are done, and the call that gives it its slot back. */
export interface Resumed {
  readonly execution: Execution;
  readonly grant: () => void;
}

/**
 * What an execution holds of a runner: its slot (or not, while paused) and whether its end was
 * accounted for, in the runner generation (run) that claimed it. Code that a stop killed may settle
 * in a later run: the generation keeps it off that run's counts.
 */
export interface SlotTicket {
  holdsSlot: boolean;
  released: boolean;
  readonly generation: number;
}

/**
 * The slot accounting of one ThreadRunner, shared by its parts (the pump in thread-runner.ts,
 * suspension.ts, abort.ts, shutdown.ts). A slot is held from claim to finish, except while PAUSED.
 */
export class RunnerState {
  phase: "idle" | "running" | "stopping" = "idle";
  slots = 1;
  occupied = 0;
  /** Paused executions whose dependencies are done, on their way to RESUMED: they come before new work. */
  resuming = 0;
  /** execute() calls not finished yet, including those still preparing (not yet in `executions`). */
  inFlight = 0;
  /** Bumped at every stop: a killed execution that settles later must not touch the next run's counts. */
  generation = 0;
  readonly executions = new Map<string, Execution>();
  /** Set while running on a backend that groups writes (see sync-guard.ts). */
  syncGuard: SyncGuard | undefined;
  /** RESUMED executions waiting for a slot, oldest pause first. */
  readonly resumed: Resumed[] = [];
  /** Called when `inFlight` drops to 0 (set while a stop drains). */
  onIdle: (() => void) | undefined;
  /** Executions whose code ended and whose end is being recorded in the store. */
  recording = 0;
  /** Called when `recording` drops to 0 (set while a stop waits for those ends). */
  onRecorded: (() => void) | undefined;
  /**
   * Claimed invocations being prepared (arguments, parent handle) through the store: not executions
   * yet, but claimed, and RUNNING already when the claim moved them there. A stop waits for them.
   */
  readonly starting = new Set<Promise<unknown>>();

  /** Keep `started` among the starts a stop waits for, until it settles. */
  trackStart(started: Promise<unknown>): void {
    this.starting.add(started);
    const done = () => this.starting.delete(started);
    started.then(done, done);
  }

  ticket(): SlotTicket {
    return { holdsSlot: true, released: false, generation: this.generation };
  }

  /** Does this ticket still count in this run (not released, not from a run a stop ended)? */
  current(ticket: SlotTicket): boolean {
    return !ticket.released && ticket.generation === this.generation;
  }

  /** The execution gives its slot up (it paused): counted once, and only in the run that granted it. */
  freeSlot(ticket: SlotTicket): void {
    if (ticket.holdsSlot && this.current(ticket)) this.occupied--;
    ticket.holdsSlot = false;
  }
}

/** What held a running-concurrency key: an execution, or a claim that never became one. */
export interface KeyHolder {
  readonly runningKey: string | undefined;
  readonly logger: Logger;
}

/**
 * It stopped holding its running-concurrency key: let what waits for the key go. Never fails: the
 * holder's own change (paused, finished, handed back) already happened, and must not be undone by a
 * failed release; a failure is logged, and the next release of the key re-queues what waits.
 */
export function releaseKey(host: RunnerHost, runnerId: string, holder: KeyHolder): Awaitable<void> {
  // Most tasks have no running key: no call, no generator, on the hot path.
  if (holder.runningKey === undefined) return;
  const failed = (error: unknown) =>
    holder.logger.warn("Could not release its running-concurrency key", { error });
  try {
    const released = host.orchestrator.releaseRunningKey(holder.runningKey, runnerId);
    return isPromise(released) ? released.then(undefined, failed) : undefined;
  } catch (error) {
    failed(error);
  }
}
