/**
 * store-pin-3.lua applies a call's pins and unpins with a few commands per call (one HMGET, then one
 * write per kind), not five per id, and takes them as runs of ids after a mark with the run's length
 * (asRuns): the end state must be the one the ops applied one by one leave, whatever the ids' text.
 * Random op sequences over a few ids, some pinned before the call, are checked against that model, and
 * a call as long as the longest the store sends (MAX_IDS_PER_CALL) still runs.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { RedisClient } from "../../src/backends/redis/driver.js";
import { MAX_IDS_PER_CALL } from "../../src/backends/redis/redis-store-changes.js";
import { asRuns } from "../../src/backends/redis/redis-store-retention.js";
import { runScript } from "../../src/backends/redis/scripts.js";
import { needsRedis, ownRedisBackend } from "../redis-context.js";

const redis = await needsRedis();

type Hashes = { pins: Map<string, number>; pinnedAt: Map<string, string> };

/** The ops applied one by one, as the script's header states them. */
function applied(before: Hashes, ops: readonly string[], now: string): Hashes {
  const pins = new Map(before.pins);
  const pinnedAt = new Map(before.pinnedAt);
  for (const op of ops) {
    const id = op.slice(1);
    const count = pins.get(id) ?? 0;
    if (op.startsWith("+")) {
      pins.set(id, count + 1);
      pinnedAt.set(id, now);
    } else if (count > 1) {
      pins.set(id, count - 1);
    } else if (count === 1) {
      pins.delete(id);
      pinnedAt.delete(id);
    }
  }
  return { pins, pinnedAt };
}

/** A small deterministic generator (the seed is in the test's name when it fails). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

void describe("Redis store-pin-3.lua", { ...redis }, () => {
  let client: RedisClient;
  let prefix: string;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ client, prefix, close } = await ownRedisBackend());
  });

  afterEach(() => close());

  async function read(): Promise<Hashes> {
    const [pins, pinnedAt] = await Promise.all([
      client.hgetall(`${prefix}pins`),
      client.hgetall(`${prefix}pinned-at`),
    ]);
    return {
      pins: new Map(Object.entries(pins).map(([id, n]) => [id, Number(n)])),
      pinnedAt: new Map(Object.entries(pinnedAt)),
    };
  }

  let calls = 0;

  /** The script called with `args` as they are (runs with their marks), each call a new request. */
  async function pin(now: string, args: readonly string[]): Promise<void> {
    calls++;
    const request = `test:${calls}:${calls - 1}`; // every earlier answer is back (request-ids.ts)
    const keys = [`${prefix}pins`, `${prefix}pinned-at`];
    await runScript(client, "store-pin-3", keys, [`${prefix}sent:test`, request, now, ...args]);
  }

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    void it(`leaves what the ops one by one leave (seed ${seed})`, async () => {
      const next = random(seed);
      // Ids that look like the script's marks are ids all the same.
      const ids = ["a", "b", "+", "-1"];
      let expected: Hashes = { pins: new Map(), pinnedAt: new Map() };
      for (let call = 0; call < 6; call++) {
        const now = String(1_000 + call);
        const ops = Array.from({ length: 1 + Math.floor(next() * 12) }, () => {
          const id = ids[Math.floor(next() * ids.length)]!;
          return `${next() < 0.55 ? "+" : "-"}${id}`;
        });
        expected = applied(expected, ops, now);
        await pin(now, asRuns(ops));
        assert.deepEqual(await read(), expected, `after call ${call}: ${ops.join(" ")}`);
      }
    });
  }

  void it("sends the runs with their lengths, and refuses a call whose marks do not add up", async () => {
    assert.deepEqual(asRuns(["+a", "+b", "-a", "+-", "+c"]), ["+2", "a", "b", "-1", "a", "+2", "-", "c"]);
    assert.deepEqual(asRuns([]), []);
    await assert.rejects(pin("1", ["+2", "a"]), /bad run mark \+2/);
    await assert.rejects(pin("1", ["a"]), /bad run mark a/);
    await assert.rejects(pin("1", ["*1", "a"]), /bad run mark \*1/);
    await assert.rejects(pin("1", ["+1.5", "a", "b"]), /bad run mark \+1\.5/);
    assert.deepEqual(await read(), { pins: new Map(), pinnedAt: new Map() }, "nothing applied");
  });

  void it(`takes a call of ${MAX_IDS_PER_CALL.toLocaleString("en-US")} ops (more than Lua's stack holds)`, async () => {
    const ids = Array.from({ length: MAX_IDS_PER_CALL / 2 }, (_, i) => `id${i}`);
    await pin("1", asRuns([...ids.map((id) => `+${id}`), ...ids.map((id) => `+${id}`)]));
    const after = await read();
    assert.equal(after.pins.size, ids.length);
    assert.ok([...after.pins.values()].every((n) => n === 2));
    await pin("2", asRuns([...ids.map((id) => `-${id}`), ...ids.map((id) => `-${id}`)]));
    assert.deepEqual(await read(), { pins: new Map(), pinnedAt: new Map() });
  });
});
