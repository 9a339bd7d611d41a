/**
 * The bench's Redis: where it is, the key prefix of one run, and the cleanup of that prefix alone
 * (SCAN + DEL; the server is shared, so never FLUSHALL or FLUSHDB).
 */
import { Redis } from "ioredis";
import { literalPattern, scanKeys } from "../../src/backends/redis/scan.js";

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** A prefix no other run shares: `bench-<pid>-<time>`. */
export function runPrefix(): string {
  return `bench-${process.pid}-${Date.now()}`;
}

/** BullMQ's connection options for a `redis://[:password@]host:port[/db]` URL. */
export function bullmqConnection(url: string): {
  host: string;
  port: number;
  password?: string;
  db?: number;
} {
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined;
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db !== undefined ? { db } : {}),
  };
}

/** A plain client for the run's own needs (versions, cleanup), failing fast if Redis is not there. */
export async function connect(url: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new Error(`No Redis at ${url} (set TYNENC_BENCH_REDIS_URL to use another): ${String(error)}`, {
      cause: error,
    });
  }
  return redis;
}

/** `redis_version` from INFO server. */
export async function redisVersion(redis: Redis): Promise<string> {
  const info = await redis.info("server");
  return /^redis_version:(\S+)/m.exec(info)?.[1] ?? "unknown";
}

/** Deletes every key that starts with `prefix` (the backend's SCAN, to the end); returns how many. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  for await (const keys of scanKeys(redis, `${literalPattern(prefix)}*`)) deleted += await redis.del(...keys);
  return deleted;
}
