import { InvocationStatus, type HistoryEntry, type StatusRecord } from "../../invocation/status.js";
import { parseHistory } from "../sqlite/history-text.js";
import type { RedisClient } from "./driver.js";
import { MAX_IDS_PER_CALL, inChunks, recordOf } from "./redis-store-changes.js";
import type { StoreKeys } from "./redis-store-keys.js";
import { runScript } from "./scripts.js";
import { isReplyError, TickBatch } from "./tick-batch.js";

const STATUSES = Object.values(InvocationStatus);

type Records = (StatusRecord | undefined)[];

/**
 * The store's reads: each is one command, or one call of store-read-1.lua when it needs several, so
 * one round trip whatever the number of ids. Status reads of one tick share that round trip (a caller
 * awaiting many results reads them all at once).
 */
export class RedisStatusReads {
  private readonly statusReads = new TickBatch(
    (lists: readonly (readonly string[])[]) => this.readLists(lists),
    {
      retryAlone: isReplyError,
    },
  );

  constructor(
    private readonly client: RedisClient,
    private readonly keys: StoreKeys,
  ) {}

  /** Runs one operation of store-read-1.lua. */
  read(op: string, args: readonly (string | number)[]): Promise<unknown> {
    return runScript(this.client, "store-read-1", [this.keys.seq], [this.keys.base, op, ...args]);
  }

  async status(id: string): Promise<StatusRecord | undefined> {
    return (await this.statusReads.request([id]))[0];
  }

  statuses(ids: readonly string[]): Promise<Records> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.statusReads.request(ids);
  }

  /** The status reads of one tick: each id read once, each list answered in its order. */
  private async readLists(lists: readonly (readonly string[])[]): Promise<Records[]> {
    if (lists.length === 1) return [await this.readStatuses(lists[0]!)];
    const ids = [...new Set(lists.flat())];
    const records = await this.readStatuses(ids);
    const byId = new Map(ids.map((id, i) => [id, records[i]]));
    return lists.map((list) => list.map((id) => byId.get(id)));
  }

  /** One HMGET for one id, else one store-read-1 call per chunk. */
  private async readStatuses(ids: readonly string[]): Promise<Records> {
    if (ids.length === 1) {
      const fields = await this.client.hmget(this.keys.invocation(ids[0]!), "s", "o", "at");
      return [fields[0] ? recordOf(fields) : undefined];
    }
    return inChunks(ids, MAX_IDS_PER_CALL, async (chunk) => {
      if (chunk.length === 0) return [];
      const flat = (await this.read("statuses", chunk)) as (string | null)[];
      return chunk.map((_, i) => (flat[3 * i] ? recordOf(flat.slice(3 * i, 3 * i + 3)) : undefined));
    });
  }

  async history(id: string): Promise<HistoryEntry[]> {
    const lines = await this.client.lrange(this.keys.history(id), 0, -1);
    return parseHistory(lines.join("\n"));
  }

  async findByStatus(statuses: readonly InvocationStatus[], taskId?: string): Promise<string[]> {
    if (statuses.length === 0) return [];
    if (taskId !== undefined) return (await this.read("find", [taskId, ...statuses])) as string[];
    return this.client.sunion(...statuses.map((s) => this.keys.byStatus(s)));
  }

  /** One pipeline of SCARD, one per status. */
  async countByStatus(): Promise<Partial<Record<InvocationStatus, number>>> {
    const pipeline = this.client.pipeline();
    for (const status of STATUSES) pipeline.scard(this.keys.byStatus(status));
    const answers = (await pipeline.exec()) ?? [];
    const counts: Partial<Record<InvocationStatus, number>> = {};
    STATUSES.forEach((status, i) => {
      const [error, n] = answers[i] ?? [null, 0];
      if (error) throw error;
      if ((n as number) > 0) counts[status] = n as number;
    });
    return counts;
  }

  async ownedBy(runnerIds: readonly string[]): Promise<string[]> {
    if (runnerIds.length === 0) return [];
    return this.client.sunion(...runnerIds.map((r) => this.keys.owned(r)));
  }

  runningKeyHolders(runningKey: string): Promise<string[]> {
    return this.client.smembers(this.keys.runningKey(runningKey));
  }

  parkedOn(runningKey: string): Promise<string[]> {
    return this.client.smembers(this.keys.parked(runningKey));
  }

  async cachedResult(cacheKey: string): Promise<string | undefined> {
    return (await this.client.get(this.keys.cache(cacheKey))) ?? undefined;
  }
}
