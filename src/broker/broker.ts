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
  /** Pop up to `max` ids, oldest first; exclusive across consumers. */
  retrieve(max: number): Awaitable<string[]>;
  count(): Awaitable<number>;
  purge(): Awaitable<void>;
}
