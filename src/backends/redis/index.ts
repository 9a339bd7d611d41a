// The declarations of this entry point (`tynenc/redis`) load @types/node themselves, as src/index.ts does.
/// <reference types="node" preserve="true" />
import type { Backend } from "../backend.js";
import { openRedis } from "./connection.js";
import type { RedisContext } from "./context.js";
import { RedisBroker } from "./redis-broker.js";
import { RedisClaims } from "./redis-claim.js";
import { RedisFinishes } from "./redis-finish.js";
import { RedisDataStore } from "./redis-data-store.js";
import { RedisNotifier } from "./redis-notifier.js";
import { RedisOrchestratorStore } from "./redis-orchestrator-store.js";
import { RedisStateBackend } from "./redis-state-backend.js";

export interface RedisBackendOptions {
  /** `redis://[:password@]host:port[/db]`, or `rediss://` for TLS. Default `redis://127.0.0.1:6379`. */
  readonly url?: string;
  readonly password?: string;
  readonly db?: number;
  /** An ioredis `Redis` client made in code (its connection is the caller's: the backend does not close it). */
  readonly client?: unknown;
  /** Whose invocations these are. Default "tynenc". */
  readonly appId?: string;
  /**
   * Prefix of every key. Default `tynenc:{<appId>}:`: the braces are a hash tag, so one app's keys live
   * in one Redis Cluster slot (the scripts need that).
   */
  readonly keyPrefix?: string;
}

/** The default key prefix of an app. */
export function defaultKeyPrefix(appId: string): string {
  return `tynenc:{${appId}}:`;
}

/**
 * The distributed backend: every component on Redis (ioredis, an optional peer dependency), atomic
 * changes as Lua scripts, wake-ups by pub/sub. Asynchronous: calls return their handle at once and
 * `invocation.registered` settles when Redis holds the registration. A wrong host, port or password
 * fails the first command within a few seconds with a BackendError that says which.
 */
export function redisBackend(options: RedisBackendOptions = {}): Backend {
  const appId = options.appId ?? "tynenc";
  const connection = openRedis({
    ...(options.url !== undefined ? { url: options.url } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
    ...(options.db !== undefined ? { db: options.db } : {}),
    ...(options.client !== undefined ? { client: options.client as never } : {}),
  });
  const context: RedisContext = {
    client: connection.client,
    prefix: options.keyPrefix ?? defaultKeyPrefix(appId),
    duplicate: () => connection.duplicate(),
  };
  const orchestratorStore = new RedisOrchestratorStore(context);
  const notifier = new RedisNotifier(context, { statuses: orchestratorStore });
  const broker = new RedisBroker(context, () => notifier.publishWork());
  const claims = new RedisClaims(context, broker);
  const finishes = new RedisFinishes(context);
  return {
    name: "redis",
    sharedAcrossProcesses: true,
    broker,
    orchestratorStore,
    stateBackend: new RedisStateBackend(context),
    notifier,
    dataStore: new RedisDataStore(context),
    ready: connection.ready,
    claimNext: (runnerId, max, at, options) => claims.claimNext(runnerId, max, at, options),
    finishFinal: (item) => finishes.finish(item),
    close: async () => {
      broker.dispose();
      finishes.dispose();
      await notifier.close();
      await connection.close();
    },
  };
}
