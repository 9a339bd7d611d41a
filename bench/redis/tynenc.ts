/**
 * tynenc's side of `npm run bench:redis`: the one place the Redis backend plugs in. Until it exists this
 * says so, and the report prints BullMQ's figures alone. To plug it in, return a QueueSystem (system.ts)
 * whose keys all start with `redis.prefix`: `independent(c)` = `parallelize` of 10,000 trivial calls on
 * one runner process with `c` slots, `fib15()` = fib(15) with 1 slot, `latency()` = one trivial call at a
 * time on an idle runner in another process; each starting and stopping its own runner process.
 */
import type { BenchRedis, QueueSystem } from "./system.js";

export type TynencSide = QueueSystem | { readonly unavailable: string };

export async function tynencSystem(_redis: BenchRedis): Promise<TynencSide> {
  return { unavailable: "the redis backend is not built" };
}
