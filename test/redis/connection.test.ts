/**
 * The redis backend's start-up errors: a wrong port, host or password fails within a few seconds with a
 * message saying which, and never loops reconnecting. The password case runs its own redis-server on a
 * free port (never the shared one).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { BackendError } from "../../src/errors/errors.js";
import { openRedis, type RedisConnectionOptions } from "../../src/backends/redis/connection.js";
import { needsRedis, TEST_REDIS_URL } from "../redis-context.js";
import { freePort, OwnRedisServer } from "./fixtures/redis-server.js";

/** The start-up error of `options`, and how long it took. */
async function startupFailure(options: RedisConnectionOptions): Promise<{ error: BackendError; ms: number }> {
  const started = performance.now();
  const connection = openRedis(options);
  try {
    await connection.ready;
  } catch (error) {
    assert.ok(error instanceof BackendError, String(error));
    return { error, ms: performance.now() - started };
  } finally {
    await connection.close();
  }
  throw new Error(`connected to ${JSON.stringify(options)}`);
}

const redis = await needsRedis();

void describe("redis connection at start-up", () => {
  void it("connects to a running Redis", redis, async () => {
    const connection = openRedis({ url: TEST_REDIS_URL });
    try {
      await connection.ready;
      assert.equal(await connection.client.ping(), "PONG");
    } finally {
      await connection.close();
    }
  });

  void it("a port nobody listens on: refused, said so, within a few seconds", async () => {
    const port = await freePort();
    const { error, ms } = await startupFailure({ url: `redis://127.0.0.1:${port}` });
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}: the connection was refused`));
    assert.ok(ms < 5000, `took ${ms} ms`);
  });

  void it("a host that does not resolve: said so", async () => {
    const { error } = await startupFailure({ url: "redis://tynenc-no-such-host.invalid:6379" });
    assert.match(error.message, /host name does not resolve/);
  });

  void describe("a Redis with a password (its own redis-server)", { ...redis }, () => {
    let server: OwnRedisServer | undefined;
    let url = "";
    before(async () => {
      server = await OwnRedisServer.start({ persistent: false, password: "s3cret" });
      url = server.url;
    });
    after(async () => {
      await server?.close();
    });

    void it("a wrong password: the credentials were refused, without the password in the message", async () => {
      const { error, ms } = await startupFailure({ url, password: "wrong-one" });
      assert.match(error.message, /refused the credentials/);
      assert.doesNotMatch(error.message, /wrong-one/);
      assert.ok(ms < 5000, `took ${ms} ms`);
    });

    void it("no password: the credentials were refused", async () => {
      const { error } = await startupFailure({ url });
      assert.match(error.message, /refused the credentials/);
    });

    void it("the right password connects", async () => {
      const connection = openRedis({ url, password: "s3cret" });
      try {
        await connection.ready;
        assert.equal(await connection.client.ping(), "PONG");
      } finally {
        await connection.close();
      }
    });
  });
});
