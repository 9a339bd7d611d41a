import { InvocationStatus, type HistoryEntry, type StatusRecord } from "../../invocation/status.js";
import { parseHistory } from "../sqlite/history-text.js";
import type { RedisClient } from "./driver.js";
import { MAX_IDS_PER_CALL, inChunks, recordOf } from "./redis-store-changes.js";
import type { StoreKeys } from "./redis-store-keys.js";
import { runScript } from "./scripts.js";
import { isReplyError, TickBatch } from "./tick-batch.js";

const STATUSES = Object.values(InvocationStatus);

type Records = (StatusRecord | undefined)[];

/** A status read of a list of ids; `watch`: by a process about to wait for their finals. */
interface StatusRead {
  readonly ids: readonly string[];
  readonly watch: boolean;
}

/**
 * The store's reads: each is one command, or one call of store-read-1.lua when it needs several, so
 * one round trip whatever the number of ids. Status reads of one tick share that round trip (a caller
 * awaiting many results reads them all at once); so do the reads of a process about to wait for finals
 * (`watched`), which also mark it as their listener (store-watch-1.lua).
 */
export class RedisStatusReads {
  private readonly statusReads = new TickBatch((lists: readonly StatusRead[]) => this.readLists(lists), {
    retryAlone: isReplyError,
  });

  /** `watcher`: the listener a watched read marks (this process's notifier sender). */
  constructor(
    private readonly client: RedisClient,
    private readonly keys: StoreKeys,
    private readonly watcher: () => string = () => "",
  ) {}

  /** Runs one operation of store-read-1.lua. */
  read(op: string, args: readonly (string | number)[]): Promise<unknown> {
    return runScript(this.client, "store-read-1", [this.keys.seq], [this.keys.base, op, ...args]);
  }

  async status(id: string): Promise<StatusRecord | undefined> {
    return (await this.statusReads.request({ ids: [id], watch: false }))[0];
  }

  statuses(ids: readonly string[]): Promise<Records> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.statusReads.request({ ids, watch: false });
  }

  /** `statuses`, this process marked as a listener of the unfinished ones in the same step. */
  watched(ids: readonly string[]): Promise<Records> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.statusReads.request({ ids, watch: true });
  }

  /**
   * The status reads of one tick: each id read once, each list answered in its order; a watched read
   * among them makes it one watched read of all (a caller reading the status of what it also waits for
   * in the same tick costs one round trip).
   */
  private async readLists(reads: readonly StatusRead[]): Promise<Records[]> {
    const watch = reads.some((r) => r.watch);
    const read = (ids: readonly string[]) => (watch ? this.readWatched(ids) : this.readStatuses(ids));
    if (reads.length === 1) return [await read(reads[0]!.ids)];
    const lists = reads.map((r) => r.ids);
    const ids = [...new Set(lists.flat())];
    const records = await read(ids);
    const byId = new Map(ids.map((id, i) => [id, records[i]]));
    return lists.map((list) => list.map((id) => byId.get(id)));
  }

  /** One HMGET for one id, else one store-read-1 call per chunk. */
  private async readStatuses(ids: readonly string[]): Promise<Records> {
    if (ids.length === 1) {
      const fields = await this.client.hmget(this.keys.invocation(ids[0]!), "s", "o", "at");
      return [fields[0] ? recordOf(fields) : undefined];
    }
    return this.inScripts(ids, (chunk) => this.read("statuses", chunk));
  }

  /**
   * Through store-watch-1.lua, one call per chunk (one id too: its first listener is always to be
   * written, the registration leaves nobody).
   */
  private async readWatched(ids: readonly string[]): Promise<Records> {
    const watcher = this.watcher();
    return this.inScripts(ids, (chunk) =>
      runScript(this.client, "store-watch-1", [this.keys.seq], [this.keys.base, watcher, ...chunk]),
    );
  }

  /** Status, owner and at per id, as store-read-1.lua's `statuses` answers them, one call per chunk. */
  private inScripts(
    ids: readonly string[],
    call: (chunk: readonly string[]) => Promise<unknown>,
  ): Promise<Records> {
    return inChunks(ids, MAX_IDS_PER_CALL, async (chunk) => {
      if (chunk.length === 0) return [];
      const flat = (await call(chunk)) as (string | null)[];
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
