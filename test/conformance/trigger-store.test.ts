/**
 * The TriggerStore contract (src/triggers/trigger-store.ts) on every backend: composite parts (latest
 * context per part, fired once in part order, cleared after), cron ticks (compare-and-set) and, on the
 * shared backends, exactly one winner when processes or connections race on a set of parts or a tick.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { after, afterEach, beforeEach, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Backend } from "../../src/backends/backend.js";
import { memoryBackend } from "../../src/backends/memory/index.js";
import { RedisTriggerStore } from "../../src/backends/redis/redis-trigger-store.js";
import { sqliteBackend } from "../../src/backends/sqlite/index.js";
import type { TriggerStore } from "../../src/triggers/trigger-store.js";
import { asyncBackend } from "../async-backend.js";
import { needsRedis, tempRedisBackend, tempRedisContext } from "../redis-context.js";
import { tempDir, tempSqliteBackend } from "../sqlite-files.js";
import { settle } from "./harness.js";

const memoryAsync = (): Backend => asyncBackend(memoryBackend());

const redis = await needsRedis();
const BACKENDS: [name: string, make: () => Backend, options: { skip?: string }][] = [
  ["memory", memoryBackend, {}],
  ["memory-async", memoryAsync, {}],
  ["sqlite", () => tempSqliteBackend(), {}],
  ["redis", () => tempRedisBackend(), redis],
];

const BIG_TICK = 1_764_547_200_123; // epoch ms, kept exactly

for (const [name, make, options] of BACKENDS) {
  void describe(`TriggerStore on ${name}`, options, () => {
    let backend: Backend | undefined;
    const store = (): TriggerStore => backend!.triggerStore;
    beforeEach(() => {
      backend = make();
      assert.ok(backend.triggerStore, `the ${name} bundle has a triggerStore`);
    });
    afterEach(async () => {
      await backend?.close();
      backend = undefined;
    });

    void it("keeps the latest context of each part and fires once, with the contexts in part order", async () => {
      assert.equal(await settle(store().satisfyPart("t", 1, 3, "b1")), null);
      assert.equal(
        await settle(store().satisfyPart("t", 1, 3, "b2")),
        null,
        "a part twice does not complete it",
      );
      assert.equal(await settle(store().satisfyPart("t", 2, 3, "c")), null);
      assert.deepEqual(await settle(store().satisfyPart("t", 0, 3, "a")), ["a", "b2", "c"]);
    });

    void it("clears a trigger's parts when it fires: the next firing needs every part again", async () => {
      assert.equal(await settle(store().satisfyPart("t", 0, 2, "a1")), null);
      assert.deepEqual(await settle(store().satisfyPart("t", 1, 2, "b1")), ["a1", "b1"]);
      assert.equal(await settle(store().satisfyPart("t", 1, 2, "b2")), null, "b1 went with the firing");
      assert.equal(await settle(store().satisfyPart("t", 1, 2, "b3")), null);
      assert.deepEqual(await settle(store().satisfyPart("t", 0, 2, "a2")), ["a2", "b3"]);
    });

    void it("fires a one-part trigger on every call, and keeps any text exactly", async () => {
      const text = 'é,"x":[1]\n' + "z".repeat(10_000);
      assert.deepEqual(await settle(store().satisfyPart("one", 0, 1, text)), [text]);
      assert.deepEqual(await settle(store().satisfyPart("one", 0, 1, "again")), ["again"]);
    });

    void it("keeps triggers apart: parts of one never count for another", async () => {
      assert.equal(await settle(store().satisfyPart("t1", 0, 2, "t1-a")), null);
      assert.equal(await settle(store().satisfyPart("t2", 1, 2, "t2-b")), null);
      assert.deepEqual(await settle(store().satisfyPart("t1", 1, 2, "t1-b")), ["t1-a", "t1-b"]);
      assert.deepEqual(await settle(store().satisfyPart("t2", 0, 2, "t2-a")), ["t2-a", "t2-b"]);
    });

    void it("claims a cron tick once: an equal or earlier tick is refused, a later one claimed", async () => {
      assert.equal(await settle(store().lastCronTick("c")), null);
      assert.equal(await settle(store().claimCronTick("c", BIG_TICK)), true);
      assert.equal(await settle(store().claimCronTick("c", BIG_TICK)), false, "the same tick twice");
      assert.equal(await settle(store().claimCronTick("c", BIG_TICK - 1000)), false, "an earlier tick");
      assert.equal(await settle(store().lastCronTick("c")), BIG_TICK);
      assert.equal(await settle(store().claimCronTick("c", BIG_TICK + 1000)), true);
      assert.equal(await settle(store().lastCronTick("c")), BIG_TICK + 1000);
    });

    void it("keeps each cron trigger's ticks apart", async () => {
      assert.equal(await settle(store().claimCronTick("c1", 2000)), true);
      assert.equal(await settle(store().claimCronTick("c2", 1000)), true, "c1's later tick is not c2's");
      assert.equal(await settle(store().lastCronTick("c1")), 2000);
      assert.equal(await settle(store().lastCronTick("c2")), 1000);
      assert.equal(await settle(store().lastCronTick("c3")), null);
    });

    const purgeable = name === "sqlite" || name === "redis" ? {} : { skip: "kept in this process only" };
    void it("forgets every part and tick on purge (tynenc purge)", purgeable, async () => {
      await settle(store().satisfyPart("t", 0, 2, "a"));
      await settle(store().claimCronTick("c", 5));
      await (store() as TriggerStore & { purge(): Promise<void> | void }).purge();
      assert.equal(await settle(store().lastCronTick("c")), null);
      assert.equal(await settle(store().satisfyPart("t", 1, 2, "b")), null, "part 0 went with the purge");
      assert.equal(await settle(store().claimCronTick("c", 5)), true);
    });
  });
}

/** Each racer's answers: the sets it fired (index and contexts) and the ticks it won. */
interface RaceResult {
  readonly fired: [set: number, contexts: string[]][];
  readonly won: number[];
}

/**
 * The one check of a race: racer k satisfied part k of every set `set-<s>` (of `racers` parts) and
 * claimed ticks 1..sets in order. Each set fires exactly once, with every racer's context in part order,
 * and each tick is won by exactly one racer.
 */
function checkRace(results: readonly RaceResult[], racers: number, sets: number): void {
  const firings = new Map<number, string[][]>();
  for (const { fired } of results)
    for (const [set, contexts] of fired) firings.set(set, [...(firings.get(set) ?? []), contexts]);
  for (let s = 0; s < sets; s++) {
    const expected = Array.from({ length: racers }, (_, k) => `${k}:${s}`);
    assert.deepEqual(firings.get(s), [expected], `set ${s} fired once, with every part`);
  }
  const winners = results.flatMap((r) => r.won).sort((a, b) => a - b);
  assert.deepEqual(
    winners,
    Array.from({ length: sets }, (_, i) => i + 1),
    "each tick won exactly once",
  );
}

const CHILD = fileURLToPath(new URL("./fixtures/trigger-store-racer.ts", import.meta.url));

/** Starts one racer process; resolves once it opened the file and waits for "go". */
function startRacer(path: string, index: number, racers: number, sets: number) {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD], {
    env: {
      ...process.env,
      RACE_PATH: path,
      RACE_INDEX: `${index}`,
      RACE_RACERS: `${racers}`,
      RACE_SETS: `${sets}`,
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`racer ${index} exited (${code}) before it was ready`)));
  });
  const result = new Promise<RaceResult>((resolve, reject) => {
    void ready.then(() => {
      child.once("message", (message) => resolve(message as RaceResult));
      child.once("exit", (code) => reject(new Error(`racer ${index} exited (${code}) without its result`)));
    }, reject);
  });
  return { child, ready, result };
}

void describe("TriggerStore on sqlite: processes racing on one file", () => {
  const children: ChildProcess[] = [];
  const dirs: { remove(): void }[] = [];
  after(() => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    for (const dir of dirs) dir.remove();
  });

  void it("fires each completed set once and each cron tick once, across 3 processes", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const path = join(dir.path, "race.sqlite");
    const racers = 3;
    const sets = 300;
    try {
      const started = Array.from({ length: racers }, (_, k) => startRacer(path, k, racers, sets));
      children.push(...started.map((s) => s.child));
      await Promise.all(started.map((s) => s.ready));
      for (const s of started) s.child.send("go");
      checkRace(await Promise.all(started.map((s) => s.result)), racers, sets);
      const check = sqliteBackend({ path });
      try {
        assert.equal(check.triggerStore.lastCronTick("cron"), sets);
      } finally {
        await check.close();
      }
    } finally {
      for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});

void describe("TriggerStore on sqlite: apps sharing a file", () => {
  void it("keeps each app's parts and ticks apart", async () => {
    const dir = tempDir();
    const path = join(dir.path, "apps.sqlite");
    const one = sqliteBackend({ path, appId: "one" });
    const two = sqliteBackend({ path, appId: "two" });
    try {
      assert.equal(one.triggerStore.satisfyPart("t", 0, 2, "one-a"), null);
      assert.equal(two.triggerStore.satisfyPart("t", 1, 2, "two-b"), null, "one's part 0 is not two's");
      assert.equal(one.triggerStore.claimCronTick("c", 10), true);
      assert.equal(two.triggerStore.claimCronTick("c", 10), true, "one's tick is not two's");
      assert.equal(two.triggerStore.lastCronTick("d"), null);
      assert.deepEqual(one.triggerStore.satisfyPart("t", 1, 2, "one-b"), ["one-a", "one-b"]);
    } finally {
      await one.close();
      await two.close();
      dir.remove();
    }
  });
});

void describe("TriggerStore on redis: connections racing", redis, () => {
  void it("fires each completed set once and each cron tick once, across 4 connections", async () => {
    const context = await tempRedisContext();
    try {
      const racers = 4;
      const sets = 300;
      const stores = Array.from(
        { length: racers },
        () => new RedisTriggerStore({ ...context, client: context.duplicate() }),
      );
      const results = await Promise.all(
        stores.map(async (store, k): Promise<RaceResult> => {
          const fired: [number, string[]][] = [];
          const won: number[] = [];
          await Promise.all(
            Array.from({ length: sets }, async (_, s) => {
              const [contexts, claimed] = await Promise.all([
                store.satisfyPart(`set-${s}`, k, racers, `${k}:${s}`),
                store.claimCronTick("cron", s + 1),
              ]);
              if (contexts) fired.push([s, contexts]);
              if (claimed) won.push(s + 1);
            }),
          );
          return { fired, won };
        }),
      );
      checkRace(results, racers, sets);
      assert.equal(await stores[0]!.lastCronTick("cron"), sets);
    } finally {
      await context.close();
    }
  });
});
