/**
 * The redis backend's connection: from a URL (`redis://`, `rediss://` for TLS, with password and DB index
 * in it or beside it) or an ioredis client passed in code. At start-up a wrong host, port or password
 * fails within a few seconds with a message that says which (no endless reconnect loop); once connected,
 * a lost connection is retried for ever (commands wait, and fail after a while with a clear error).
 */
import { BackendError } from "../../errors/errors.js";
import { loadIoredis, type RedisClient, type RedisOptions } from "./driver.js";

export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://...` (TLS). */
  readonly url?: string;
  readonly password?: string;
  readonly db?: number;
  /** A client made in code (ioredis `Redis`); the backend neither connects nor closes it. */
  readonly client?: RedisClient;
  /** How long the first connection may take before it fails (default 3 s). */
  readonly connectTimeoutMs?: number;
}

export interface RedisConnection {
  readonly client: RedisClient;
  /** Settles once the first connection is up; rejects with a BackendError that says what is wrong. */
  readonly ready: Promise<void>;
  /** A new connection with the same settings (blocking reads, subscriptions). */
  duplicate(): RedisClient;
  /** QUITs each connection made here, after what was sent on it is answered (waits for a reconnect). */
  close(): Promise<void>;
  /**
   * Ends each connection made here at once, with no reconnect; commands still waiting for an answer or
   * a reconnect, and any sent later, fail with a BackendError (`why`) or ioredis's "Connection is closed".
   */
  disconnect(why: string): void;
}

/** `host:port` of a URL, for messages (never the password). */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.hostname}:${parsed.port || "6379"}${parsed.pathname.length > 1 ? parsed.pathname : ""}`;
  } catch {
    return "(an invalid URL)";
  }
}

/** Node's codes for a TLS certificate it would not accept. */
const CERTIFICATE_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** What a failed first connection means, for a user. */
function startupError(where: string, error: unknown, timeoutMs: number): BackendError {
  const message = (error as Error | undefined)?.message ?? String(error);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const tls = where.startsWith("rediss:");
  let why: string;
  if (/WRONGPASS|invalid username-password|NOAUTH|AUTH/i.test(message))
    why = `it refused the credentials (${message}): check the password in redisUrl or the password option`;
  else if (code === "ECONNREFUSED")
    why = "the connection was refused: is redis-server running there? Check the host and port of redisUrl";
  else if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    why = "the host name does not resolve: check the host of redisUrl";
  else if (code !== undefined && CERTIFICATE_CODES.has(code))
    why =
      `its TLS certificate was not accepted (${message}): for a certificate of your own CA, start Node with ` +
      "NODE_EXTRA_CA_CERTS=<the CA's PEM file>, or pass an ioredis client made with `tls: { ca }` (redisBackend({ client }))";
  else if (code === "ECONNRESET" && !tls)
    why =
      "it closed the connection at once: a TLS port? Then use rediss:// (else the server refuses new clients: maxclients, protected mode)";
  else if (/Unknown RESP type/.test(message))
    why =
      "what answered there does not speak the Redis protocol (an HTTP server or proxy?): check the host and port";
  else if (/timeout/i.test(message) || code === "ETIMEDOUT")
    why = tls
      ? `the TLS handshake got no answer within ${timeoutMs} ms: a plain (non-TLS) port? Then use redis://; else check the host, port and firewall`
      : `it did not answer within ${timeoutMs} ms: check the host, port and firewall (and rediss:// for a TLS server)`;
  else why = message;
  return new BackendError(`backend "redis" cannot use Redis at ${where}: ${why}`, { cause: error });
}

export function openRedis(options: RedisConnectionOptions): RedisConnection {
  const timeoutMs = options.connectTimeoutMs ?? 3000;
  if (options.client) {
    const client = options.client;
    const ready =
      client.status === "ready"
        ? Promise.resolve()
        : waitReady(client, "the client passed in code", timeoutMs);
    return {
      client,
      ready,
      duplicate: () => client.duplicate(),
      close: async () => {},
      disconnect: () => {},
    };
  }
  const url = options.url ?? "redis://127.0.0.1:6379";
  const where = describeUrl(url);
  let connected = false;
  const settings: RedisOptions = {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    ...(options.password !== undefined ? { password: options.password } : {}),
    ...(options.db !== undefined ? { db: options.db } : {}),
    // Before the first connection: give up (the error says why). After: reconnect for ever, backing off.
    retryStrategy: (attempt) => (connected ? Math.min(50 * 2 ** attempt, 2000) : null),
  };
  const Redis = loadIoredis();
  const client = new Redis(url, settings);
  const made: RedisClient[] = [client];
  // ioredis reports a failed connection as an event; the rejected connect() only says it closed.
  let lastError: unknown;
  client.on("error", (error: unknown) => {
    lastError = error;
  });
  const ready = client.connect().then(
    () => {
      connected = true;
    },
    (error: unknown) => {
      client.disconnect();
      throw startupError(where, lastError ?? error, timeoutMs);
    },
  );
  ready.catch(() => {}); // a caller that never awaits it still gets the error from its first command
  return {
    client,
    ready,
    duplicate: () => {
      const retryStrategy = (attempt: number) => Math.min(50 * 2 ** attempt, 2000);
      const copy = new Redis(url, { ...settings, lazyConnect: false, retryStrategy });
      copy.on("error", () => {}); // reconnects on its own; the command connection reports failures
      made.push(copy);
      return copy;
    },
    close: async () => {
      await Promise.all(made.map((c) => c.quit().catch(() => c.disconnect())));
    },
    disconnect: (why) => {
      for (const c of made) endConnection(c, why);
    },
  };
}

/**
 * Ends `client` now. ioredis's disconnect() while it waits to reconnect only cancels the reconnect: the
 * client stays "reconnecting" and its queued commands, and any sent later, would wait for ever. So it is
 * marked ended (as its own close does: later commands fail at once) and its queues are failed with `why`
 * (setStatus and flushQueue are ioredis's own, not in its typings).
 */
function endConnection(client: RedisClient, why: string): void {
  client.disconnect();
  const internals = client as unknown as {
    setStatus?: (status: string) => void;
    flushQueue?: (error: Error) => void;
  };
  if (client.status !== "end") internals.setStatus?.("end");
  internals.flushQueue?.(new BackendError(`backend "redis": ${why}`));
}

function waitReady(client: RedisClient, where: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(startupError(where, new Error("timeout"), timeoutMs));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const onError = (error: unknown) => {
      cleanup();
      reject(startupError(where, error, timeoutMs));
    };
    const cleanup = () => {
      clearTimeout(timer);
      client.off("ready", onReady);
      client.off("error", onError);
    };
    client.once("ready", onReady);
    client.once("error", onError);
    if (client.status === "wait") void client.connect().catch(() => {});
  });
}
