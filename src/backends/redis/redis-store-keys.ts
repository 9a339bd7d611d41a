import type { InvocationStatus } from "../../invocation/status.js";
import { key, type RedisContext } from "./context.js";

/**
 * The orchestrator store's key names, all under `<prefix>os:` (listed in context.ts). Scripts build the
 * per-invocation names from `base` the same way (`<base><kind>:<name>`).
 */
export class StoreKeys {
  /** `<prefix>os:`: the start of every key of the store (scripts get it as ARGV). */
  readonly base: string;
  /** The one counter of status changes: each history entry's `seq`. */
  readonly seq: string;
  /** Zset: waited-on invocations that wait for nothing and are runnable (score: seq when they became so). */
  readonly ready: string;
  /**
   * Zset: finished invocations not yet due for retention, by finish time; members "<seq>:<id>" (seq
   * zero-padded to 16 digits) so that ties keep the change order, as SQLite's (finished_at, seq).
   */
  readonly finished: string;
  /** Set: due for retention at an earlier purge but unread then (looked at again by every purge). */
  readonly held: string;
  /** Hashes: outside readers' pins by id (count), and when each was last pinned. */
  readonly pins: string;
  readonly pinnedAt: string;
  /** Hashes: each runner's fixed description (JSON) and its latest heartbeat. */
  readonly runners: string;
  readonly beats: string;
  /** Set: runners whose last claim got less than it asked for (include/claim.lua, store-register-3.lua). */
  readonly idle: string;

  constructor(context: RedisContext) {
    this.base = key(context, "os:");
    this.seq = this.base + "seq";
    this.ready = this.base + "ready";
    this.finished = this.base + "finished";
    this.held = this.base + "held";
    this.pins = this.base + "pins";
    this.pinnedAt = this.base + "pinned-at";
    this.runners = this.base + "runners";
    this.beats = this.base + "beats";
    this.idle = this.base + "idle";
  }

  /** Hash of one invocation: s status, o owner ("" none), at, t task, g/r/c its keys, x cancel, f finished at. */
  invocation(id: string): string {
    return `${this.base}i:${id}`;
  }

  /** List: one invocation's history, "STATUS\trunner\tat\tseq" per entry. */
  history(id: string): string {
    return `${this.base}h:${id}`;
  }

  /** Set: the invocations in `status`. */
  byStatus(status: InvocationStatus): string {
    return `${this.base}by:${status}`;
  }

  /** Set: the unfinished invocations `runnerId` owns. */
  owned(runnerId: string): string {
    return `${this.base}owned:${runnerId}`;
  }

  /** Set: the PENDING and RUNNING invocations of a running key. */
  runningKey(runningKey: string): string {
    return `${this.base}run:${runningKey}`;
  }

  /** Set: the CONCURRENCY_CONTROLLED invocations of a running key. */
  parked(runningKey: string): string {
    return `${this.base}park:${runningKey}`;
  }

  /** String: the latest successful invocation of a call (cache key). */
  cache(cacheKey: string): string {
    return `${this.base}cache:${cacheKey}`;
  }

  /** Sets of the wait graph: the ids `id` waits for, and the ids waiting for `id`. */
  waitsOf(id: string): string {
    return `${this.base}out:${id}`;
  }

  waitersOf(id: string): string {
    return `${this.base}in:${id}`;
  }

  /** String: the answers of the runner's claims a resend may ask for (lua/include/claim.lua). */
  lastClaims(runnerId: string): string {
    return `${this.base}last:${runnerId}`;
  }

  lease(name: string): string {
    return `${this.base}lease:${name}`;
  }
}
