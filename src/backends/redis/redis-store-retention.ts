import type { IdSet } from "../../orchestrator/orchestrator-store.js";
import { PIN_EXPIRES_MS } from "../sqlite/sqlite-retention.js";
import type { RedisClient } from "./driver.js";
import type { StoreKeys } from "./redis-store-keys.js";
import { MAX_IDS_PER_CALL, inChunks } from "./redis-store-changes.js";
import { runOnce } from "./request-ids.js";
import { runScript } from "./scripts.js";
import { TickBatch } from "./tick-batch.js";

/**
 * The most due invocations one purge looks at: a purge is one script, and Redis serves nobody else
 * while it runs, so a large backlog goes over several calls instead of one long stall.
 */
const PURGE_BATCH = 10_000;

/**
 * How long unpins gather before they are sent (ms): nobody waits on one, and a caller reading results
 * one after another would otherwise send one per result. A result stays pinned that much longer; a
 * purge sends the waiting ones first.
 */
export const UNPIN_GATHER_MS = 10;

/** The width of the seq that starts each member of the finished zset (store-change-3.lua). */
const FINISHED_SEQ_DIGITS = 16;

/** Retention of statuses and histories (store-purge-4.lua) and the outside readers' pins. */
export class RedisRetention {
  /**
   * The pins of one tick ("+id"): one call for a caller awaiting many results. Never sent again alone:
   * a count may not apply twice.
   */
  private readonly pins = new TickBatch((ops: readonly string[]) => this.sendPins(ops));
  /**
   * The unpins ("-id") of UNPIN_GATHER_MS. Sent after the pins they match (the result is read once
   * its pin is answered, on the same connection), and pins and unpins of one id only add up, so the
   * delay changes no count.
   */
  private readonly unpins = new TickBatch((ops: readonly string[]) => this.sendPins(ops), {
    delayMs: UNPIN_GATHER_MS,
  });

  constructor(
    private readonly client: RedisClient,
    private readonly keys: StoreKeys,
  ) {}

  pin(id: string): Promise<void> {
    return this.pins.request(`+${id}`);
  }

  unpin(id: string): Promise<void> {
    return this.unpins.request(`-${id}`);
  }

  /**
   * Sends the unpins that wait (before a purge, or when the backend closes), after the pins of this
   * tick. Resolves once both calls have settled; never rejects.
   */
  async flushUnpins(): Promise<void> {
    const pins = this.pins.flushNow(); // an unpin never overtakes its pin
    await Promise.all([pins, this.unpins.flushNow()]);
  }

  private async sendPins(ops: readonly string[]): Promise<void[]> {
    const { pins, pinnedAt } = this.keys;
    await inChunks(ops, MAX_IDS_PER_CALL, async (chunk) => {
      // Answered once: a call sent again after a reconnect changes no count twice (store-pin-3.lua).
      await runOnce(
        this.client,
        this.keys.base,
        "store-pin-3",
        [pins, pinnedAt],
        [Date.now(), ...asRuns(chunk)],
      );
      return [];
    });
    return [];
  }

  /**
   * One script call when `keep` can list its ids (a Set or a Map, as the orchestrator passes). A bare
   * `has` cannot be sent to Redis: then the due ids are read first and those it has are sent along (an
   * id that finishes between the two reads and is in `keep` may then go: `keep` only lists results
   * awaited whose wait is being recorded, and the orchestrator passes a Map).
   */
  async purgeFinished(olderThan: number, keepNewest: number, keep?: IdSet): Promise<string[]> {
    void this.flushUnpins(); // the results read before the purge are not pinned any more (sent first)
    let held = keep === undefined ? [] : idsOf(keep);
    // A bare `has`, or more ids than one call takes: only those due are sent.
    if (held === undefined || held.length > MAX_IDS_PER_CALL) {
      held = (await this.dueIds(olderThan, keepNewest)).filter((id) => keep?.has(id));
    }
    const { finished, held: heldKey, pins, pinnedAt } = this.keys;
    const args = [this.keys.base, olderThan, keepNewest, Date.now(), PIN_EXPIRES_MS, PURGE_BATCH, ...held];
    return (await runScript(
      this.client,
      "store-purge-4",
      [finished, heldKey, pins, pinnedAt],
      args,
    )) as string[];
  }

  /** What a purge would look at now (a superset of what it forgets). */
  private async dueIds(olderThan: number, keepNewest: number): Promise<string[]> {
    const { finished, held } = this.keys;
    const [byAge, total, heldIds] = await Promise.all([
      this.client.zcount(finished, "-inf", `(${olderThan}`),
      this.client.zcard(finished),
      this.client.smembers(held),
    ]);
    const take = Math.min(Math.max(byAge, total - keepNewest), PURGE_BATCH);
    const taken = take > 0 ? await this.client.zrange(finished, 0, String(take - 1)) : [];
    return [...heldIds, ...taken.map(finishedId)];
  }
}

/** The id in a member of the finished zset ("<seq, 16 digits>:<id>", see store-change-3.lua). */
function finishedId(member: string): string {
  return member.slice(FINISHED_SEQ_DIGITS + 1);
}

/** The ids of a Set or a Map; undefined for an IdSet that can only answer `has`. */
function idsOf(keep: IdSet): string[] | undefined {
  const keys = (keep as Partial<Pick<Set<string>, "keys">>).keys;
  return typeof keys === "function" ? [...(keys.call(keep) as Iterable<string>)] : undefined;
}

/**
 * Ops ("+id" pins, "-id" unpins) as store-pin-3.lua takes them: runs of ids, each after its mark ("+<n>"
 * or "-<n>", n the run's length), so the script reads each id as it is sent, with no string cut out of
 * it, and no id (whatever its text) is taken for a mark.
 */
export function asRuns(ops: readonly string[]): string[] {
  const runs: string[] = [];
  let markAt = -1;
  for (const op of ops) {
    const sign = op[0]!;
    if (markAt === -1 || runs[markAt]![0] !== sign) {
      if (markAt !== -1) runs[markAt] += String(runs.length - markAt - 1);
      markAt = runs.length;
      runs.push(sign);
    }
    runs.push(op.slice(1));
  }
  if (markAt !== -1) runs[markAt] += String(runs.length - markAt - 1);
  return runs;
}
