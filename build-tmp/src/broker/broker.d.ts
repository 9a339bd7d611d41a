import type { Awaitable } from "../util/awaitable.js";
/**
 * A FIFO of invocation ids waiting for a runner. Deliberately dumb: duplicates and stale entries are
 * tolerated, because the orchestrator checks each popped id's status before claiming it.
 */
export interface Broker {
    route(ids: readonly string[]): Awaitable<void>;
    /** Pop up to `max` ids, oldest first; exclusive across consumers. */
    retrieve(max: number): Awaitable<string[]>;
    count(): Awaitable<number>;
    purge(): Awaitable<void>;
}
