import { literalPattern, scanKeys } from "./scan.js";
import type { DataStore } from "../../data-store/data-store.js";
import { key, type RedisContext } from "./context.js";
import { runOnce } from "./request-ids.js";
import { runScript } from "./scripts.js";

/** Keys deleted per UNLINK while purging. */
const PURGE_BATCH = 500;

/**
 * Large values by content key: the hash `<prefix>data:<key>` { text, refs }, and the totals in
 * `<prefix>data-stats` { count, bytes }. Every reference change is one Lua script (lua/data-*.lua), so
 * concurrent puts and releases from any number of processes never lose a count or drop a text that
 * somebody still references; and the reference changes are answered once (lua/include/once.lua), so a
 * call that ioredis sends again after a reconnect never counts twice.
 */
export class RedisDataStore implements DataStore {
  /** Where the reference changes keep their answers for a resend (`<prefix>data-sent:<uuid>`). */
  private readonly base: string;

  constructor(private readonly context: RedisContext) {
    this.base = key(context, "data-");
  }

  async put(contentKey: string, text: string): Promise<void> {
    await runOnce(
      this.context.client,
      this.base,
      "data-put-2",
      [this.dataKey(contentKey), this.statsKey()],
      [text],
    );
  }

  async retain(contentKey: string): Promise<boolean> {
    return (
      (await runOnce(this.context.client, this.base, "data-retain-1", [this.dataKey(contentKey)], [])) === 1
    );
  }

  async release(contentKeys: readonly string[]): Promise<void> {
    if (contentKeys.length > 0)
      await runOnce(this.context.client, this.base, "data-release-1", [this.context.prefix], contentKeys);
  }

  async get(contentKey: string): Promise<string | undefined> {
    return (await this.context.client.hget(this.dataKey(contentKey), "text")) ?? undefined;
  }

  async has(contentKey: string): Promise<boolean> {
    return (await this.context.client.exists(this.dataKey(contentKey))) === 1;
  }

  async delete(contentKeys: readonly string[]): Promise<void> {
    if (contentKeys.length > 0)
      await runScript(this.context.client, "data-delete-1", [this.context.prefix], contentKeys);
  }

  /** Removes every text of this app, the kept answers and the totals (SCAN + UNLINK: other keys stay). */
  async purge(): Promise<void> {
    const { client, prefix } = this.context;
    const batch: string[] = [];
    for (const names of ["data:*", "data-sent:*"])
      for await (const keys of scanKeys(client, `${literalPattern(prefix)}${names}`)) {
        batch.push(...keys);
        if (batch.length >= PURGE_BATCH) await client.unlink(...batch.splice(0));
      }
    await client.unlink(...batch, this.statsKey()); // the totals go last, after the texts they count
  }

  /** How many texts are stored (inspection; a promise, unlike the memory store's getter). */
  async size(): Promise<number> {
    return Number((await this.context.client.hget(this.statsKey(), "count")) ?? 0);
  }

  /** UTF-8 bytes of all stored texts. */
  async bytes(): Promise<number> {
    return Number((await this.context.client.hget(this.statsKey(), "bytes")) ?? 0);
  }

  /** How many references a key has (0 when it is not stored). */
  async references(contentKey: string): Promise<number> {
    return Number((await this.context.client.hget(this.dataKey(contentKey), "refs")) ?? 0);
  }

  private dataKey(contentKey: string): string {
    return key(this.context, `data:${contentKey}`);
  }

  private statsKey(): string {
    return key(this.context, "data-stats");
  }
}
