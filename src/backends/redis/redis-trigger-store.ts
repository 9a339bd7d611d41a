import type { TriggerStore } from "../../triggers/trigger-store.js";
import { key, type RedisContext } from "./context.js";
import { literalPattern, scanKeys } from "./scan.js";
import { runScript } from "./scripts.js";

/** Keys deleted per UNLINK while purging. */
const PURGE_BATCH = 500;

/**
 * Composite-trigger parts in the hash `<prefix>trig:parts:<triggerId>` (part index -> latest context)
 * and cron ticks in the hash `<prefix>trig:ticks` (trigger id -> last tick). Every change is one Lua
 * script (lua/trigger-*.lua) that decides and writes in one step, so any number of processes racing
 * on a trigger see it fire once per completed set of parts and once per tick.
 */
export class RedisTriggerStore implements TriggerStore {
  private readonly ticks: string;

  constructor(private readonly context: RedisContext) {
    this.ticks = key(context, "trig:ticks");
  }

  async satisfyPart(
    triggerId: string,
    part: number,
    parts: number,
    context: string,
  ): Promise<string[] | null> {
    const partsKey = key(this.context, `trig:parts:${triggerId}`);
    const fired = await runScript(
      this.context.client,
      "trigger-satisfy-1",
      [partsKey],
      [part, parts, context],
    );
    return (fired as string[] | null) ?? null;
  }

  async claimCronTick(triggerId: string, tick: number): Promise<boolean> {
    return (
      (await runScript(this.context.client, "trigger-claim-tick-1", [this.ticks], [triggerId, tick])) === 1
    );
  }

  async lastCronTick(triggerId: string): Promise<number | null> {
    const last = await this.context.client.hget(this.ticks, triggerId);
    return last === null ? null : Number(last);
  }

  /** Forget every trigger's parts and ticks of this app (`tynenc purge`; SCAN + UNLINK, other keys stay). */
  async purge(): Promise<void> {
    const client = this.context.client;
    const batch: string[] = [];
    for await (const keys of scanKeys(client, `${literalPattern(key(this.context, "trig:"))}*`)) {
      batch.push(...keys);
      if (batch.length >= PURGE_BATCH) await client.unlink(...batch.splice(0));
    }
    if (batch.length > 0) await client.unlink(...batch);
  }
}
