import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { needsRedis, TEST_REDIS_URL } from "../redis-context.js";
import { freePort } from "../redis/fixtures/redis-server.js";
import { appModule, cli } from "./harness.js";

/** A CLI command on a Redis it cannot use ends at start-up, well within this (no endless reconnect loop). */
const STARTUP_LIMIT_MS = 8000;

const redisUp = await needsRedis();

void describe("tynenc commands on a Redis they cannot use", () => {
  void it("runner start: nothing listens on the port: exit 1 naming host and port, no stack, in seconds", async () => {
    const mod = await appModule();
    const port = await freePort();
    const started = performance.now();
    const run = await cli(
      [
        "runner",
        "start",
        "--app",
        "app.mjs",
        "--backend",
        "redis",
        "--redis-url",
        `redis://127.0.0.1:${port}`,
      ],
      { cwd: mod.dir },
    );
    assert.ok(performance.now() - started < STARTUP_LIMIT_MS, "ended at start-up");
    assert.equal(run.code, 1, run.err);
    assert.match(
      run.err,
      new RegExp(`cannot use Redis at redis://127\\.0\\.0\\.1:${port}: the connection was refused`),
    );
    assert.match(run.err, /Check the host and port of redisUrl/);
    assert.doesNotMatch(run.err, /\n\s+at /);
    assert.equal(mod.app.runner.running, false);
  });

  void it("status: a wrong password: exit 1 saying the credentials were refused", redisUp, async () => {
    const mod = await appModule();
    const url = new URL(TEST_REDIS_URL);
    url.username = "tynenc-test-nobody";
    url.password = "not-the-password";
    const run = await cli(["status", "--app", "app.mjs", "--backend", "redis", "--redis-url", url.href], {
      cwd: mod.dir,
    });
    assert.equal(run.code, 1, run.err);
    assert.match(run.err, /cannot use Redis at .*: it refused the credentials/);
    assert.match(run.err, /check the password in redisUrl/);
    assert.doesNotMatch(run.err, /not-the-password/, "the password is not printed");
  });
});
