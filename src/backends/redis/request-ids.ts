import { randomUUID } from "node:crypto";
import type { RedisClient } from "./driver.js";
import { runScript } from "./scripts.js";

/**
 * Names each script call, so a call that ioredis sends again after a reconnect is known for one already
 * applied (the scripts keep the request id of an invocation's last move, and a runner's claims keep their
 * answers, and answer a repeat as they did then).
 *
 * An id is `<uuid>:<n>:<answered>`: `n` counts this connection's calls, and `answered` is the highest
 * count whose answer, and every earlier one's, came back before this call was sent (calls tracked by
 * `send`). On one connection calls arrive and are answered in order, so a claim script may forget the
 * answers it keeps for counts up to `answered`: no call sends those again (include/claim.lua,
 * include/once.lua).
 */
export class RequestIds {
  private readonly uuid = randomUUID();
  private readonly prefix = `${this.uuid}:`;
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

  /**
   * The key under which the scripts answered once keep this sequence's answers (include/once.lua):
   * `<base>sent:<uuid>`, `base` the component's own names (so its purge takes them too).
   */
  keptKey(base: string): string {
    return `${base}sent:${this.uuid}`;
  }

  /** The highest count at or below which every tracked call has its answer. */
  private answered(): number {
    while (this.open.length > 0 && this.done.delete(this.open[0]!)) this.open.shift();
    return this.open.length > 0 ? this.open[0]! - 1 : this.count - 1;
  }
}

const byClient = new WeakMap<RedisClient, RequestIds>();

/**
 * The ids of the calls whose scripts keep answers for a resend (claims, include/claim.lua; the scripts
 * answered once, include/once.lua), one sequence per connection: forgetting those answers relies on the
 * connection's order.
 */
export function requestIdsOf(client: RedisClient): RequestIds {
  let ids = byClient.get(client);
  if (!ids) byClient.set(client, (ids = new RequestIds()));
  return ids;
}

/**
 * Runs script `name` answered once (include/once.lua): its first two ARGV, before `args`, are the
 * connection's kept-answers key (under `base`, the calling component's key names) and the request id.
 */
export function runOnce(
  client: RedisClient,
  base: string,
  name: string,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  const ids = requestIdsOf(client);
  const kept = ids.keptKey(base);
  return ids.send((request) => runScript(client, name, keys, [kept, request, ...args]));
}
