/**
 * `app.close()` while Redis is away: the backend's sends and QUITs wait for a reconnect, which may never
 * come. close() waits CLOSE_GRACE_MS for them, then drops the connections; what still waited fails with a
 * BackendError that says it was not sent, and no reconnect timer keeps the process alive (the test file's
 * process would not exit). Before, close() waited for ioredis's retries (about 35 s) and then failed.
 * With a runner: its stop waits for running tasks (stopGraceMs), and for the store's answers (a claim
 * under way, the reroute of what it killed, leaving the registry) within the same grace as the rest of
 * close (see runner/stop-budget.ts). Before, an idle runner's close took about 75 s: half a minute for
 * the claim under way, then as long again to leave the registry.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BackendError, Tynenc } from "../../src/index.js";
import { CLOSE_GRACE_MS, redisBackend } from "../../src/backends/redis/index.js";
import { within } from "../conformance/harness.js";
import { needsRedisServer, OwnRedisServer } from "./fixtures/redis-server.js";

/** Some slack over the bound for a loaded machine (the bound itself is what the test checks). */
const SLACK_MS = 3000;
const STOP_GRACE_MS = 1000;

void describe("closing an app while its Redis is away", { ...needsRedisServer() }, () => {
  void it("returns after the grace; a call queued for the reconnect fails, saying it was not sent", async () => {
    const server = await OwnRedisServer.start({ persistent: false });
    const app = new Tynenc({
      appId: "close-away",
      backend: redisBackend({ url: server.url, appId: "close-away" }),
      runnerCls: "DummyRunner",
      loggingLevel: "error",
    });
    const add = app.task("add", async (a: number, b: number) => a + b);
    try {
      const before = add(1, 2);
      await within(before.registered, "a registration while Redis is up", 10_000);
      const waiting = before.result.then(
        () => "settled",
        () => "settled",
      );
      await server.stop("SIGKILL");
      const queued = add(3, 4); // its registration waits in the connection's queue for a reconnect
      const refused = queued.registered.then(
        () => assert.fail("a registration sent to a Redis that was gone"),
        (error: unknown) => error,
      );
      const start = performance.now();
      await within(app.close(), "app.close() with Redis away", CLOSE_GRACE_MS + 5000);
      const took = performance.now() - start;
      assert.ok(took >= CLOSE_GRACE_MS - 50, `close waited ${took.toFixed(0)} ms for the sends`);
      const error = await within(refused, "the queued registration", 2000);
      assert.ok(error instanceof BackendError, `a BackendError, not ${String(error)}`);
      assert.match(error.message, /Redis did not answer .* this was not sent/);
      void waiting; // whatever it became, it was not waited for here
      // Ended, not left waiting for a reconnect that will not come: a later read fails at once, and a
      // second close returns at once.
      await within(
        before.status().then(
          () => assert.fail("a status read from a closed backend"),
          () => {},
        ),
        "a status read after close",
        2000,
      );
      await within(app.close(), "a second app.close()", 2000);
    } finally {
      await app.close();
      await server.close();
    }
  });

  for (const busy of [false, true]) {
    const what = busy ? "a task running past stopGraceMs" : "an idle runner";
    void it(`with ${what}: close returns within stopGraceMs + the grace, and the runner's loop ends`, async () => {
      const server = await OwnRedisServer.start({ persistent: false });
      const appId = `close-away-runner-${busy ? "busy" : "idle"}`;
      const app = new Tynenc({
        appId,
        backend: redisBackend({ url: server.url, appId }),
        stopGraceMs: STOP_GRACE_MS,
        loggingLevel: "silent",
      });
      const add = app.task("add", async (a: number, b: number) => a + b);
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      const slow = app.task("slow", async () => {
        started();
        await new Promise((resolve) => setTimeout(resolve, 60_000).unref());
        return 0;
      });
      const loop = app.runner.run();
      try {
        assert.equal(await within(add(1, 2).result, "a result while Redis is up", 10_000), 3);
        if (busy) {
          void slow().result.catch(() => {}); // it fails or never ends: the test is about close
          await within(running, "the slow task starting", 10_000);
        }
        await server.stop("SIGKILL");
        const start = performance.now();
        const bound = (busy ? STOP_GRACE_MS : 0) + CLOSE_GRACE_MS;
        await within(app.close(), `app.close() with ${what} and Redis away`, bound + SLACK_MS);
        const took = performance.now() - start;
        assert.ok(took < bound + SLACK_MS, `close took ${took.toFixed(0)} ms`);
        await within(loop, "the runner's loop", 2000);
        assert.equal(app.runner.running, false);
      } finally {
        await app.close();
        await server.close();
      }
    });
  }

  void it("runner.stop() then app.close() (as `tynenc runner start` on SIGTERM): close does not wait a second grace", async () => {
    const server = await OwnRedisServer.start({ persistent: false });
    const appId = "close-away-after-stop";
    const app = new Tynenc({
      appId,
      backend: redisBackend({ url: server.url, appId }),
      loggingLevel: "silent",
    });
    const add = app.task("add", async (a: number, b: number) => a + b);
    const loop = app.runner.run();
    try {
      assert.equal(await within(add(1, 2).result, "a result while Redis is up", 10_000), 3);
      await server.stop("SIGKILL");
      await within(app.runner.stop(), "runner.stop() with Redis away", CLOSE_GRACE_MS + SLACK_MS);
      await within(loop, "the runner's loop", 2000);
      const start = performance.now();
      // The stop waited a whole grace for this outage, and Redis is still away: close ends at once.
      await within(app.close(), "app.close() after the stop", SLACK_MS);
      assert.ok(performance.now() - start < CLOSE_GRACE_MS, "close waited a second grace");
    } finally {
      await app.close();
      await server.close();
    }
  });
});
