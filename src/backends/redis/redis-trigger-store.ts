import type { TriggerStore } from "../../triggers/trigger-store.js";
import { key, type RedisContext } from "./context.js";
import { literalPattern, scanKeys } from "./scan.js";
import { runOnce } from "./request-ids.js";

/** Keys deleted per UNLINK while purging. */
const PURGE_BATCH = 500;

/**
 * Composite-trigger parts in the hash `<prefix>trig:parts:<triggerId>` (part index -> latest context)
 * and cron ticks in the hash `<prefix>trig:ticks` (trigger id -> last tick). Every change is one Lua
 * script (lua/trigger-*.lua) that decides and writes in one step, so any number of processes racing
 * on a trigger see it fire once per completed set of parts and once per tick; both are answered once
 * (lua/include/once.lua), so the taker's call sent again after a reconnect still gets what it took.
 */
export class RedisTriggerStore implements TriggerStore {
  private readonly ticks: string;
  /** Where its scripts keep their answers for a resend (`<prefix>trig:sent:<uuid>`). */
  private readonly base: string;

  constructor(private readonly context: RedisContext) {
    this.base = key(context, "trig:");
    this.ticks = this.base + "ticks";
  }

  async satisfyPart(
    triggerId: string,
    part: number,
    parts: number,
    context: string,
  ): Promise<string[] | null> {
    const partsKey = key(this.context, `trig:parts:${triggerId}`);
    const args = [part, parts, context];
    const fired = await runOnce(this.context.client, this.base, "trigger-satisfy-1", [partsKey], args);
    return (fired as string[] | null) ?? null;
  }

  async claimCronTick(triggerId: string, tick: number): Promise<boolean> {
    const args = [triggerId, tick];
    return (await runOnce(this.context.client, this.base, "trigger-claim-tick-1", [this.ticks], args)) === 1;
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
