import type { Awaitable } from "../util/awaitable.js";
/**
 * A FIFO of invocation ids waiting for a runner. Deliberately dumb: duplicates and stale entries are
 * tolerated, because the orchestrator checks each popped id's status before claiming it.
 */
export interface Broker {
  route(ids: readonly string[]): Awaitable<void>;
  /**
   * Route `ids` once `dueAt` (epoch ms) has passed (retries with a backoff); they wake runners then,
   * through the backend's notifier. A due time in the past routes at once.
   */
  routeAt(ids: readonly string[], dueAt: number): Awaitable<void>;
  /**
   * Optional: drop the queued entries of `ids` (not those held back for a due time). A retry with a
   * delay drops them before its RETRY: an entry left from an earlier route (a child a paused parent
   * claimed through the wait graph leaves its own in the queue) would otherwise run the retry at once.
   */
  unroute?(ids: readonly string[]): Awaitable<void>;
  /** Pop up to `max` ids, oldest first; exclusive across consumers. */
  retrieve(max: number): Awaitable<string[]>;
  count(): Awaitable<number>;
  purge(): Awaitable<void>;
}
