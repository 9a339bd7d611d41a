import { randomUUID } from "node:crypto";
import type { RedisClient } from "./driver.js";

/**
 * Names each script call, so a call that ioredis sends again after a reconnect is known for one already
 * applied (the scripts keep the request id of an invocation's last move, and a runner's claims keep their
 * answers, and answer a repeat as they did then).
 *
 * An id is `<uuid>:<n>:<answered>`: `n` counts this connection's calls, and `answered` is the highest
 * count whose answer, and every earlier one's, came back before this call was sent (calls tracked by
 * `send`). On one connection calls arrive and are answered in order, so a claim script may forget the
 * answers it keeps for counts up to `answered`: no call sends those again (include/claim.lua).
 */
export class RequestIds {
  private readonly prefix = `${randomUUID()}:`;
  private count = 0;
  /** Counts sent through `send` whose answer has not come back, oldest first. */
  private readonly open: number[] = [];
  private readonly done = new Set<number>();

  next(): string {
    return `${this.prefix}${++this.count}:${this.answered()}`;
  }

  /** Runs `call` with a new id, noting when its answer (or failure) comes back. */
  async send<T>(call: (request: string) => Promise<T>): Promise<T> {
    const request = this.next();
    const n = this.count;
    this.open.push(n);
    try {
      return await call(request);
    } finally {
      this.done.add(n);
    }
  }

  /** The highest count at or below which every tracked call has its answer. */
  private answered(): number {
    while (this.open.length > 0 && this.done.delete(this.open[0]!)) this.open.shift();
    return this.open.length > 0 ? this.open[0]! - 1 : this.count - 1;
  }
}

const byClient = new WeakMap<RedisClient, RequestIds>();

/**
 * The ids of the calls that claim for a runner (claim-next, finish, pause), one sequence per connection:
 * their scripts share a runner's kept claim answers, whose forgetting relies on that order.
 */
export function claimRequestIds(client: RedisClient): RequestIds {
  let ids = byClient.get(client);
  if (!ids) byClient.set(client, (ids = new RequestIds()));
  return ids;
}
