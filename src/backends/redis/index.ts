// The declarations of this entry point (`tynenc/redis`) load @types/node themselves, as src/index.ts does.
/// <reference types="node" preserve="true" />
import type { Backend } from "../backend.js";
import { BackendError } from "../../errors/errors.js";
import { openRedis } from "./connection.js";
import { isCluster } from "./scan.js";
import type { RedisContext } from "./context.js";
import { FinalOutcomes } from "./final-outcomes.js";
import { RedisBroker } from "./redis-broker.js";
import { claimBatchOf, RedisClaims } from "./redis-claim.js";
import { RedisFinishes } from "./redis-finish.js";
import { RedisDataStore } from "./redis-data-store.js";
import { RedisNotifier } from "./redis-notifier.js";
import { RedisOrchestratorStore } from "./redis-orchestrator-store.js";
import { RedisRegistration } from "./redis-register.js";
import { RedisStateBackend } from "./redis-state-backend.js";
import { RedisTriggerStore } from "./redis-trigger-store.js";
import { ResumedReads } from "./resumed-reads.js";
import { settlesWithin } from "../../util/settles-within.js";

export interface RedisBackendOptions {
  /** `redis://[:password@]host:port[/db]`, or `rediss://` for TLS. Default `redis://127.0.0.1:6379`. */
  readonly url?: string;
  readonly password?: string;
  readonly db?: number;
  /**
   * An ioredis `Redis` or `Cluster` made in code (its connection is the caller's: the backend does not close
   * it). On a Cluster, the key prefix must hold a hash tag (the default does).
   */
  readonly client?: unknown;
  /** Whose invocations these are. Default "tynenc". */
  readonly appId?: string;
  /**
   * Prefix of every key. Default `tynenc:{<appId>}:`: the braces are a hash tag, so one app's keys live
   * in one Redis Cluster slot (the scripts need that).
   */
  readonly keyPrefix?: string;
}

/**
 * How long app.close() waits, in all, for the registrations still being written, what the backend is
 * sending and the QUITs, before it drops the connections (Redis away or restarting).
 */
export const CLOSE_GRACE_MS = 5000;

/** Whether `prefix` holds a Redis Cluster hash tag: the first `{` followed, later, by a `}` with text between. */
function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf("{");
  return open >= 0 && prefix.indexOf("}", open + 1) > open + 1;
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
  const prefix = options.keyPrefix ?? defaultKeyPrefix(appId);
  if (options.client !== undefined && isCluster(options.client as never) && !hasHashTag(prefix)) {
    throw new BackendError(
      `backend "redis": the key prefix "${prefix}" has no hash tag, so on a Redis Cluster one app's keys would spread over slots that its scripts cannot use together; put one in braces, e.g. "tynenc:{${appId}}:" (the default)`,
    );
  }
  const connection = openRedis({
    ...(options.url !== undefined ? { url: options.url } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
    ...(options.db !== undefined ? { db: options.db } : {}),
    ...(options.client !== undefined ? { client: options.client as never } : {}),
  });
  const context: RedisContext = {
    client: connection.client,
    prefix,
    duplicate: () => connection.duplicate(),
  };
  // Since when the command connection has been down (Backend.unreachableSince); the listeners go at
  // close (a client passed in code outlives the backend).
  let downSince: number | undefined;
  const wentDown = () => (downSince ??= performance.now());
  const cameBack = () => (downSince = undefined);
  connection.client.on("close", wentDown).on("ready", cameBack);
  const ahead = new ResumedReads();
  // A pause's claim is read with the broker, made below (it is called only once the backend is in use).
  const orchestratorStore: RedisOrchestratorStore = new RedisOrchestratorStore(
    context,
    ahead,
    (reply, runnerId, running) => claimBatchOf(reply, broker, runnerId, running, prefix),
    (): string => notifier.sender,
  );
  const outcomes = new FinalOutcomes();
  const notifier = new RedisNotifier(context, { statuses: orchestratorStore, outcomes });
  const broker = new RedisBroker(context, () => notifier.publishWork());
  const registration = new RedisRegistration(context, orchestratorStore.keys, notifier);
  const claims = new RedisClaims(context, broker);
  const finishes = new RedisFinishes(context, broker, outcomes, notifier, ahead);
  return {
    name: "redis",
    sharedAcrossProcesses: true,
    broker,
    orchestratorStore,
    stateBackend: new RedisStateBackend(context, outcomes, ahead),
    notifier,
    dataStore: new RedisDataStore(context),
    triggerStore: new RedisTriggerStore(context),
    registerAndRoute: (items, records, runnerId, at, stored) =>
      registration.registerAndRoute(items, records, runnerId, at, stored),
    ready: connection.ready,
    claimNext: (runnerId, max, at, options) => claims.claimNext(runnerId, max, at, options),
    finishFinal: (item) => finishes.finish(item),
    finishAndClaim: (item, claim) => finishes.finishAndClaim(item, claim),
    closeGraceMs: CLOSE_GRACE_MS,
    unreachableSince: () => downSince,
    close: async (deadline = performance.now() + CLOSE_GRACE_MS) => {
      // What the last turns asked for (the unpins gathered, the finishes of the turn) goes out before
      // the connection's QUIT, which Redis then answers after it.
      await new Promise<void>((resolve) => setImmediate(resolve));
      connection.client.off("close", wentDown).off("ready", cameBack);
      void orchestratorStore.flushUnpins();
      broker.dispose();
      finishes.dispose();
      // A Redis that is away (or restarting) holds the sends and the QUITs until it is back: past the
      // grace, the connections are dropped and what still waits fails, so close() never hangs on Redis.
      const graceful = notifier.close().then(() => connection.close());
      if (await settlesWithin(graceful, deadline - performance.now())) return;
      connection.disconnect(
        `the app closed while Redis did not answer (within ${CLOSE_GRACE_MS} ms); this was not sent`,
      );
    },
  };
}
