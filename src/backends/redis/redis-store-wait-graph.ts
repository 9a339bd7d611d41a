import type { RedisClient } from "./driver.js";
import { MAX_IDS_PER_CALL, inChunks, type RedisStatusChanges } from "./redis-store-changes.js";
import type { StoreKeys } from "./redis-store-keys.js";
import type { RedisStatusReads } from "./redis-store-reads.js";

/**
 * The wait graph: a set of the ids each invocation waits for and one of those waiting for it, plus
 * the `ready` zset (waited on, waiting for nothing, runnable) that store-change-3.lua keeps exact on
 * every edge and status change, so `waitedOnRunnable` is a single range read.
 */
export class RedisWaitGraph {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: StoreKeys,
    private readonly changes: RedisStatusChanges,
    private readonly reads: RedisStatusReads,
  ) {}

  async add(waiterId: string, waitedIds: readonly string[]): Promise<void> {
    await inChunks(waitedIds, MAX_IDS_PER_CALL, async (chunk) => {
      if (chunk.length > 0) await this.changes.change("wait", [waiterId, ...chunk]);
      return [];
    });
  }

  async removeFrom(waiterId: string): Promise<void> {
    await this.changes.change("unwaitOf", [waiterId]);
  }

  async removeTo(waitedId: string): Promise<void> {
    await this.changes.change("unwaitOn", [waitedId]);
  }

  waitingFor(ids: readonly string[]): Promise<Map<string, string[]>> {
    return this.edges("out", ids);
  }

  waitersOf(ids: readonly string[]): Promise<Map<string, string[]>> {
    return this.edges("in", ids);
  }

  /** Up to `limit` ready invocations, the longest ready first. */
  async ready(limit: number): Promise<string[]> {
    return limit <= 0 ? [] : this.client.zrange(this.keys.ready, 0, String(limit - 1));
  }

  /**
   * For each id, how many invocations wait for it directly or transitively, counted up to about `cap`
   * (priority.ts's count, in one script instead of a round trip per level and candidate).
   */
  async countWaiters(ids: readonly string[], cap: number): Promise<number[]> {
    if (ids.length === 0) return [];
    return (await this.reads.read("rank", [cap, ...ids])) as number[];
  }

  private async edges(kind: "out" | "in", ids: readonly string[]): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>();
    const sets = await inChunks(ids, MAX_IDS_PER_CALL, async (chunk) =>
      chunk.length === 0 ? [] : ((await this.reads.read("edges", [kind, ...chunk])) as string[][]),
    );
    ids.forEach((id, i) => {
      const members = sets[i];
      if (members && members.length > 0) result.set(id, members);
    });
    return result;
  }
}
