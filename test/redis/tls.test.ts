/**
 * Redis over TLS (`rediss://`), on a redis-server of the test's own with a certificate made for it: a
 * runner process that trusts the CA through NODE_EXTRA_CA_CERTS and a client given an ioredis client
 * with `tls: { ca }` run a tree together; the start-up errors of the usual mistakes say what to do.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import { openRedis, type RedisConnectionOptions } from "../../src/backends/redis/connection.js";
import { redisBackend } from "../../src/backends/redis/index.js";
import { BackendError } from "../../src/errors/errors.js";
import { assertValidHistories } from "../../src/testing/index.js";
import { makeApp } from "../multiprocess/fixtures/app.js";
import { Processes } from "../multiprocess/harness.js";
import { needsRedisServer, OwnRedisServer, type ServerTls } from "./fixtures/redis-server.js";

/** `it` options: these need redis-server (built with TLS) and openssl. */
function needsTlsTools(): { skip?: string } {
  const server = needsRedisServer();
  if (server.skip) return server;
  const openssl = spawnSync("openssl", ["version"], { stdio: "ignore" });
  if (openssl.status === 0 || process.env["TYNENC_TEST_REQUIRE_SERVICES"] === "1") return {};
  return { skip: "no openssl on the PATH: it makes the test certificate" };
}

/** A self-signed certificate for 127.0.0.1 and localhost, in a new temp directory. */
function makeCertificate(): ServerTls & { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "tynenc-tls-"));
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  const made = spawnSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "1",
    ].concat(["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]),
    { encoding: "utf8" },
  );
  assert.equal(made.status, 0, `openssl: ${made.stderr}`);
  return { dir, certFile, keyFile };
}

async function startupError(options: RedisConnectionOptions): Promise<string> {
  const connection = openRedis(options);
  try {
    await connection.ready;
  } catch (error) {
    assert.ok(error instanceof BackendError, String(error));
    return error.message;
  } finally {
    await connection.close();
  }
  throw new Error(`connected to ${options.url}`);
}

const tools = needsTlsTools();

void describe("redis backend over TLS (rediss://)", tools, () => {
  const processes = new Processes();
  let certificate: ReturnType<typeof makeCertificate>;
  let server: OwnRedisServer;
  before(async () => {
    certificate = makeCertificate();
    server = await OwnRedisServer.start({ persistent: false, tls: certificate });
  });
  afterEach(() => processes.cleanup());
  after(async () => {
    await server?.close();
    if (certificate) rmSync(certificate.dir, { recursive: true, force: true });
  });

  void it("a runner process on the rediss:// URL and a client on an ioredis client with tls run fib(8)", async () => {
    const keyPrefix = "tynenc-test:{tls}:";
    const runner = processes.start("runner.ts", {
      TYNENC__BACKEND: "redis",
      TYNENC__REDIS_URL: server.url,
      TYNENC__REDIS_KEY_PREFIX: keyPrefix,
      NODE_EXTRA_CA_CERTS: certificate.certFile,
    });
    await runner.message("started");
    const client = new Redis(server.url, { tls: { ca: readFileSync(certificate.certFile) } });
    const { app, fib } = makeApp({ backend: redisBackend({ client, keyPrefix, appId: "multiprocess" }) });
    try {
      assert.equal(await fib(8).result, 21);
      const finished = await app.orchestrator.findFinished();
      assert.equal(finished.length, 67, "fib(8): 67 invocations");
      await assertValidHistories(app, finished);
    } finally {
      await app.close();
      client.disconnect();
    }
  });

  void it("rediss:// with a certificate Node does not trust: says how to trust its CA", async () => {
    const message = await startupError({ url: server.url });
    assert.match(message, new RegExp(`cannot use Redis at rediss://127\\.0\\.0\\.1:${server.port}`));
    assert.match(message, /its TLS certificate was not accepted \(self-signed certificate\)/);
    assert.match(message, /NODE_EXTRA_CA_CERTS/);
  });

  void it("redis:// on the TLS port: says to use rediss://", async () => {
    const message = await startupError({ url: server.url.replace("rediss:", "redis:") });
    assert.match(message, /a TLS port\? Then use rediss:\/\//);
  });

  void it("rediss:// on a plain port: says to use redis://", async () => {
    const plain = await OwnRedisServer.start({ persistent: false });
    try {
      const url = plain.url.replace("redis:", "rediss:");
      const message = await startupError({ url, connectTimeoutMs: 1000 });
      assert.match(
        message,
        /the TLS handshake got no answer within 1000 ms: a plain \(non-TLS\) port\? Then use redis:\/\//,
      );
    } finally {
      await plain.close();
    }
  });
});
