/**
 * A Redis Cluster of three masters, each a redis-server of the test's own on a free port: an app on an
 * ioredis Cluster passed in code runs a tree (every key of the app in one slot, by the prefix's hash
 * tag), `purge` finds its keys on whichever node holds them, and a prefix without a hash tag is refused.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { Cluster, Redis } from "ioredis";
import { redisBackend } from "../../src/backends/redis/index.js";
import { BackendError } from "../../src/errors/errors.js";
import { Tynenc } from "../../src/index.js";
import { assertValidHistories } from "../../src/testing/index.js";
import { needsRedisServer, OwnRedisServer } from "./fixtures/redis-server.js";
import { pollUntil } from "../helpers.js";

void describe(
  "redis backend on a Redis Cluster (an ioredis Cluster passed in code)",
  needsRedisServer(),
  () => {
    const nodes: OwnRedisServer[] = [];
    const admins: Redis[] = [];
    before(async () => {
      for (let i = 0; i < 3; i++)
        nodes.push(await OwnRedisServer.start({ persistent: false, cluster: true }));
      const formed = spawnSync(
        "redis-cli",
        ["--cluster", "create", ...nodes.map((n) => `127.0.0.1:${n.port}`), "--cluster-replicas", "0"].concat(
          "--cluster-yes",
        ),
        { encoding: "utf8" },
      );
      assert.equal(formed.status, 0, `redis-cli --cluster create: ${formed.stdout}${formed.stderr}`);
      for (const node of nodes) admins.push(new Redis(node.url));
      for (const admin of admins) {
        await pollUntil(
          "cluster ok",
          async () => (await admin.cluster("INFO")).includes("cluster_state:ok"),
          {
            timeoutMs: 10_000,
          },
        );
      }
    });
    after(async () => {
      for (const admin of admins) admin.disconnect();
      for (const node of nodes) await node.close();
    });

    const clusterClient = () => new Cluster(nodes.map((n) => ({ host: "127.0.0.1", port: n.port })));
    const keysOnNodes = async () => (await Promise.all(admins.map((a) => a.dbsize()))).map(Number);

    void it("runs fib(8) with legal histories; purge removes every key of the app, on its node", async () => {
      const cluster = clusterClient();
      const app = new Tynenc({
        appId: "cluster",
        loggingLevel: "warn",
        backend: redisBackend({ client: cluster, appId: "cluster" }),
      });
      const fib = app.task("fib", async (n: number): Promise<number> =>
        n <= 1 ? n : (await fib(n - 1).result) + (await fib(n - 2).result),
      );
      const loop = app.runner.run();
      try {
        assert.equal(await fib(8).result, 21);
        const finished = await app.orchestrator.findFinished();
        assert.equal(finished.length, 67, "fib(8): 67 invocations");
        await assertValidHistories(app, finished);
        await app.runner.stop();
        await loop;
        const before = await keysOnNodes();
        assert.equal(
          before.filter((count) => count > 0).length,
          1,
          `one node holds the app's keys: ${before.join(", ")}`,
        );
        // What `tynenc purge` does: each component deletes what it keeps, found with SCAN.
        const { broker, orchestratorStore, stateBackend, dataStore } = app.backend;
        for (const component of [broker, orchestratorStore, stateBackend, dataStore]) await component.purge();
        assert.deepEqual(await keysOnNodes(), [0, 0, 0]);
      } finally {
        await app.runner.stop();
        await app.close();
        cluster.disconnect();
      }
    });

    void it("a key prefix without a hash tag is refused, naming the fix", () => {
      const cluster = clusterClient();
      try {
        assert.throws(
          () => redisBackend({ client: cluster, keyPrefix: "myapp:" }),
          (error: unknown) =>
            error instanceof BackendError &&
            /the key prefix "myapp:" has no hash tag/.test(error.message) &&
            /"tynenc:\{tynenc\}:"/.test(error.message),
        );
      } finally {
        cluster.disconnect();
      }
    });
  },
);
