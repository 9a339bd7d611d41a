/**
 * Redis for tests: the shared server at TYNENC_TEST_REDIS_URL (default redis://127.0.0.1:6379), with a
 * key prefix of each test's own, cleaned up with SCAN + DEL (never FLUSHALL / FLUSHDB: the server is
 * shared). Without a reachable Redis, tests skip with a visible reason, unless
 * TYNENC_TEST_REQUIRE_SERVICES=1 (CI), where a missing Redis fails them.
 */
import { randomUUID } from "node:crypto";
import { loadIoredis, type RedisClient } from "../src/backends/redis/driver.js";
import type { RedisContext } from "../src/backends/redis/context.js";
import { redisBackend } from "../src/backends/redis/index.js";
import { literalPattern, scanKeys } from "../src/backends/redis/scan.js";
import { calledScript } from "../src/backends/redis/scripts.js";
import type { Backend } from "../src/backends/backend.js";

export const TEST_REDIS_URL = process.env["TYNENC_TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";

function connect(): RedisClient {
  const Redis = loadIoredis();
  return new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: true });
}

let availability: Promise<string | undefined> | undefined;

/** Undefined when Redis answers; else why not. */
function unavailable(): Promise<string | undefined> {
  return (availability ??= (async () => {
    const client = connect();
    try {
      await client.connect();
      await client.ping();
      return undefined;
    } catch (error) {
      return `no Redis at ${TEST_REDIS_URL} (${(error as Error).message})`;
    } finally {
      client.disconnect();
    }
  })());
}

/**
 * `it` options for a test that needs Redis: skipped with the reason when there is none, unless the run
 * requires services (then the test runs and fails on its first command). Await it before declaring tests.
 */
export async function needsRedis(): Promise<{ skip?: string }> {
  const reason = await unavailable();
  if (reason === undefined || process.env["TYNENC_TEST_REQUIRE_SERVICES"] === "1") return {};
  return { skip: `${reason}: start redis-server, or set TYNENC_TEST_REDIS_URL` };
}

/** Every key under `prefix`, by SCAN to the end (one SCAN reply is only part of a busy server's keys). */
export async function keysUnder(client: RedisClient, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const keys of scanKeys(client, `${literalPattern(prefix)}*`)) found.push(...keys);
  return found;
}

/** Deletes every key under `prefix` (SCAN + DEL in batches). */
export async function deleteKeys(client: RedisClient, prefix: string): Promise<void> {
  for await (const keys of scanKeys(client, `${literalPattern(prefix)}*`)) await client.del(...keys);
}

/** A context on the test Redis with a fresh prefix; `close()` deletes its keys and closes every connection. */
export async function tempRedisContext(): Promise<RedisContext & { close(): Promise<void> }> {
  const client = connect();
  await client.connect();
  const prefix = `tynenc-test:{${randomUUID()}}:`;
  const extra: RedisClient[] = [];
  return {
    client,
    prefix,
    duplicate: () => {
      const copy = client.duplicate();
      extra.push(copy);
      return copy;
    },
    close: async () => {
      try {
        await deleteKeys(client, prefix);
      } finally {
        for (const copy of extra) copy.disconnect();
        client.disconnect();
      }
    },
  };
}

/** A redis backend on the test Redis with a fresh key prefix; closing it deletes its keys. */
export function tempRedisBackend(options: { appId?: string } = {}): Backend {
  const keyPrefix = `tynenc-test:{${randomUUID()}}:`;
  const backend = redisBackend({ url: TEST_REDIS_URL, appId: options.appId ?? "test", keyPrefix });
  const close = () => backend.close();
  return {
    ...backend,
    close: async () => {
      const cleaner = connect();
      try {
        await close();
        await cleaner.connect();
        await deleteKeys(cleaner, keyPrefix);
      } finally {
        cleaner.disconnect();
      }
    },
  };
}

/**
 * A redis backend on a client of the test's own, under a fresh prefix, ready; `close()` closes the
 * backend, deletes its keys and disconnects the client. For tests that read the backend's keys.
 */
export async function ownRedisBackend(): Promise<{
  client: RedisClient;
  prefix: string;
  backend: Backend;
  close: () => Promise<void>;
}> {
  const client = new (loadIoredis())(TEST_REDIS_URL, {});
  const prefix = `tynenc-test:{${randomUUID()}}:`;
  const backend = redisBackend({ client, keyPrefix: prefix });
  await backend.ready;
  const close = async () => {
    try {
      await backend.close();
      await deleteKeys(client, prefix);
    } finally {
      client.disconnect();
    }
  };
  return { client, prefix, backend, close };
}

/** Registers, stores and queues invocations `ids` of a task "t" on `backend`, as a call would. */
export async function queueOn(backend: Backend, ids: readonly string[]): Promise<void> {
  await backend.orchestratorStore.register(
    ids.map((id) => ({ id, taskId: "t" })),
    null,
    Date.now(),
  );
  await backend.stateBackend.saveInvocations(
    ids.map((id) => ({ id, taskId: "t", argsId: id, serializedArgs: "[]", parentId: null, createdAt: 1 })),
  );
  await backend.broker.route(ids);
}

/** `queueOn`, then claimed to RUNNING by runner "r1" (`Backend.claimNext`). */
export async function runningOn(backend: Backend, ids: readonly string[]): Promise<void> {
  await queueOn(backend, ids);
  await backend.claimNext!("r1", ids.length, Date.now(), { window: 64, running: true });
}

/** A command as `recordCalls` saw it: its name and arguments, to send again as sent. */
export type SentCall = [command: string, args: unknown[]];

/**
 * Records every command `client` sends through `method` ("call" for string replies, "callBuffer" for
 * Buffers, as runScript picks); `again` sends one of them once more, as ioredis does after a reconnect
 * when the answer was lost. `last(script)` is the latest call of that script (lua/<script>.lua).
 */
export function recordCalls(client: RedisClient, method: "call" | "callBuffer" = "callBuffer") {
  const sent: SentCall[] = [];
  const original = (client[method] as (command: string, args: unknown[]) => Promise<unknown>).bind(client);
  (client as unknown as Record<string, unknown>)[method] = (command: string, args: unknown[]) => {
    sent.push([command, args]);
    return original(command, args);
  };
  const last = (script: string): SentCall => {
    const found = sent.filter(([command, args]) => calledScript(command, args[0]) === script).at(-1);
    if (!found) throw new Error(`${script} was not called`);
    return found;
  };
  return { sent, again: (call: SentCall) => original(...call), last };
}
