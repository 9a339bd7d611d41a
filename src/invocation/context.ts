import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger } from "../logging/index.js";
import type { Invocation } from "./invocation.js";

/**
 * What code running inside an invocation can reach: travels in AsyncLocalStorage, so a nested task call
 * finds its parent and a `.result` await finds the waiter without anyone passing them.
 */
export interface ExecutionScope {
  readonly invocation: Invocation<unknown>;
  readonly runnerId: string;
  readonly logger: Logger;
  /** Aborted when the invocation is cancelled or times out; pass it to fetch, timers, child processes. */
  readonly signal: AbortSignal;
  /** Cancelled, timed out or killed by a stop: its code may run on, but it calls no more tasks. */
  readonly killed: boolean;
  /**
   * Route an await of another invocation's result through the runner: pause, free the slot, and call
   * `resume` once the slot is held again (with an error instead if the wait cannot happen, e.g. a cycle).
   */
  waitOn(waitedId: string, resume: (error?: unknown) => void): void;
}

export const executionStorage = new AsyncLocalStorage<ExecutionScope>();

export function currentExecution(): ExecutionScope | undefined {
  return executionStorage.getStore();
}
