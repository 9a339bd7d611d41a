/**
 * Connections cut under load: two runners and a client, each on a Redis connection of its own, while a
 * chaos loop destroys one of their connections (commands, subscriptions, blocking reads) every few milliseconds. ioredis reconnects and
 * sends again every call whose answer it did not get, whether Redis applied it or not: this is the
 * lost-answer case of an outage, many times over in one run. Every script must answer a call sent again
 * as it answered it first (claims, finishes, pauses, reference counts, trigger turns), so: every result
 * is right, nothing hangs, every history is legal and shows one run, each task's code ran once per call,
 * each composite trigger fired once, and the large values' reference counts match a run without cuts.
 * On the code before these were fixed it failed most runs: claims left RUNNING unrun (a hang), a value's
 * references counted twice, a composite firing lost. A hang fails with where the unfinished ones stand.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import type { Socket } from "node:net";
import { loadIoredis, type RedisClient } from "../../src/backends/redis/driver.js";
import { redisBackend } from "../../src/backends/redis/index.js";
import { allOf, InvocationStatus as S, onEvent, Tynenc } from "../../src/index.js";
import { assertValidHistories, histories } from "../../src/testing/index.js";
import { finishedOnceProblems } from "../multiprocess/checks.js";
import { within } from "../conformance/harness.js";
import { pollUntil } from "../helpers.js";
import { deleteKeys, keysUnder, needsRedis, TEST_REDIS_URL } from "../redis-context.js";

const redis = await needsRedis();

/** An app on `keyPrefix` over `client`, with its tasks; `runs` counts each call's code runs by its args. */
function makeApp(client: RedisClient, keyPrefix: string, runs: Map<string, number>) {
  const app = new Tynenc({
    appId: "chaos",
    loggingLevel: "error",
    maxParallelSlots: 2,
    largeValueThresholdBytes: 1000,
    backend: redisBackend({ client, keyPrefix }),
  });
  const ran = (key: string) => runs.set(key, (runs.get(key) ?? 0) + 1);
  const add = app.task("add", async (a: number, b: number) => {
    ran(`add:${a}`);
    return a + b;
  });
  const fib = app.task("fib", async (n: number): Promise<number> => {
    if (n <= 1) return n;
    const [a, b] = await Promise.all([fib(n - 1).result, fib(n - 2).result]);
    return a + b;
  });
  const size = app.task("size", async (text: string) => text.length);
  const sizes = app.task("sizes", async (text: string) => {
    ran(`sizes:${text.slice(0, 8)}`);
    const [a, b] = await Promise.all([size(text).result, size(text).result]);
    return a + b;
  });
  app.task(
    "ship",
    async (order: string) => {
      ran(`ship:${order}`);
      return order;
    },
    {
      triggers: [
        allOf([onEvent("paid"), onEvent("packed")], {
          args: ({ parts: [paid] }) => [(paid.event.payload as { order: string }).order],
        }),
      ],
    },
  );
  return { app, add, fib, sizes };
}

/** The bound on every await: past it, the test fails as a hang (a claim left RUNNING unrun, say). */
const ANSWER_MS = 20_000;

/** Where the unfinished invocations stand (status, owner, history), and the runners' claim state. */
async function unfinished(app: Tynenc, redis: RedisClient, keyPrefix: string): Promise<string> {
  const store = app.backend.orchestratorStore;
  const open = Object.values(S).filter((s) => s !== S.SUCCESS);
  const ids = await store.findByStatus(open);
  const lines = [`counts ${JSON.stringify(await store.countByStatus())}`];
  for (const id of ids.slice(0, 20)) {
    const status = await store.getStatus(id);
    const history = (await store.getHistory(id)).map((h) => `${h.status}@${h.runnerId ?? "-"}:${h.seq}`);
    const request = await redis.hget(`${keyPrefix}os:i:${id}`, "q");
    lines.push(`${id} ${status?.status} owner ${status?.owner ?? "-"} by ${request}: ${history.join(" ")}`);
  }
  for (const key of await keysUnder(redis, `${keyPrefix}os:last:`))
    lines.push(`${key.slice(keyPrefix.length)} = ${JSON.stringify(await redis.get(key))}`);
  lines.push(`idle ${JSON.stringify(await redis.smembers(`${keyPrefix}os:idle`))}`);
  lines.push(
    `queue ${await redis.llen(`${keyPrefix}queue`)}, ready ${await redis.zcard(`${keyPrefix}os:ready`)}`,
  );
  return lines.join("\n");
}

/** A text over the large-value threshold, different for each `i`. */
const bigText = (i: number) => `${String(i).padStart(8, "0")}${"x".repeat(3992)}`;

void describe("Redis connections cut under load", { ...redis }, () => {
  void it(
    "every call sent again is answered as first made: right results, one run each",
    { timeout: 90_000 },
    async (t) => {
      const keyPrefix = `tynenc-test:{${randomUUID()}}:`;
      const Redis = loadIoredis();
      const clients = [0, 1, 2].map(() => new Redis(TEST_REDIS_URL, {}));
      const runs = new Map<string, number>();
      // Every connection can be cut: the command ones and those each backend opens for its subscriptions
      // and blocking reads (a message missed while one is down must not be a wake-up lost).
      const victims: RedisClient[] = [...clients];
      for (const c of clients) {
        const duplicate = c.duplicate.bind(c);
        (c as { duplicate: unknown }).duplicate = (...args: unknown[]) => {
          const copy = (duplicate as (...a: unknown[]) => RedisClient)(...args);
          victims.push(copy);
          return copy;
        };
      }
      const [client, ...runnerApps] = clients.map((c) => makeApp(c, keyPrefix, runs));
      const { app } = client!;
      const loops = runnerApps.map((r) => r.app.runner.run());
      let cuts = 0;
      let chaos = false;
      /** Until `chaos` is false: every 2-12 ms, destroys the socket of one connection that is up. */
      const cutConnections = async () => {
        while (chaos) {
          await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 10));
          const victim = victims[Math.floor(Math.random() * victims.length)]!;
          if (!chaos || victim.status !== "ready") continue;
          (victim as unknown as { stream: Socket }).stream.destroy();
          cuts++;
        }
      };
      let cutting: Promise<void> = Promise.resolve();
      const dataKeys = () => keysUnder(clients[0]!, `${keyPrefix}data:`);
      const refsOf = async (key: string) => Number(await clients[0]!.hget(key, "refs"));
      try {
        // The references of one large value without cuts, for the ones made under cuts.
        assert.equal(await client!.sizes(bigText(999)).result, 8000);
        const [baselineKey] = await dataKeys();
        assert.ok(baselineKey, "the large value is stored");
        const expectedRefs = await refsOf(baselineKey);

        chaos = true;
        cutting = cutConnections();
        const adds = client!.add.parallelize(
          Array.from({ length: 300 }, (_, i) => [i, 1] as [number, number]),
        );
        const fib = client!.fib(11);
        const texts = Array.from({ length: 12 }, (_, i) => bigText(i));
        const sized = texts.map((text) => client!.sizes(text));
        for (let i = 0; i < 15; i++) {
          await app.emitEvent("packed", { order: `o${i}` });
          await app.emitEvent("paid", { order: `o${i}` });
        }
        /** Awaits `promise` within the bound; past it, fails with where the unfinished ones stand. */
        const answered = async <T>(promise: Promise<T>, what: string): Promise<T> => {
          try {
            return await within(promise, what, ANSWER_MS);
          } catch (error) {
            const where = await unfinished(app, clients[0]!, keyPrefix);
            throw new Error(`${(error as Error).message}\n${where}`, { cause: error });
          }
        };
        assert.deepEqual(
          await answered(adds.results(), "the adds' results"),
          Array.from({ length: 300 }, (_, i) => i + 1),
        );
        assert.equal(await answered(fib.result, "fib(11)"), 89);
        assert.deepEqual(
          await answered(Promise.all(sized.map((s) => s.result)), "the large values' sizes"),
          texts.map(() => 8000),
        );
        const shipped = () => [...runs.keys()].filter((k) => k.startsWith("ship:")).length;
        await pollUntil("the 15 shipments", () => shipped() >= 15, { timeoutMs: ANSWER_MS });
        chaos = false;
        await cutting;
        assert.ok(cuts >= 10, `connections cut under load (${cuts})`);
        t.diagnostic(`${cuts} connections cut`);

        const store = app.backend.orchestratorStore;
        await pollUntil("every invocation final", async () => {
          const counts = await store.countByStatus();
          return Object.keys(counts).every((s) => s === S.SUCCESS);
        });
        const ids = await store.findByStatus([S.SUCCESS]);
        await assertValidHistories(app, ids);
        const all = await histories(app, ids);
        const notOnce = all.flatMap((h, i) => finishedOnceProblems(h).map((p) => `${ids[i]}: ${p}`));
        assert.deepEqual(notOnce, [], "each invocation ran and finished exactly once");
        assert.deepEqual(
          [...runs].filter(([, count]) => count !== 1),
          [],
          "each call's code ran once",
        );
        assert.equal(shipped(), 15, "each order shipped once");
        const keys = await dataKeys();
        assert.equal(keys.length, texts.length + 1, "one stored text per distinct value");
        for (const key of keys)
          assert.equal(await refsOf(key), expectedRefs, `${key}: its references, as without cuts`);
      } finally {
        chaos = false;
        await cutting;
        // Bounded: after a failure a runner may hold work that never ends; the clients go regardless.
        const closed = Promise.all([...runnerApps.map((r) => r.app.close()), ...loops, app.close()]);
        await within(closed, "closing the apps", ANSWER_MS).catch(() => {});
        await deleteKeys(clients[0]!, keyPrefix);
        for (const c of clients) c.disconnect();
      }
    },
  );
});
