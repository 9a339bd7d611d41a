import { createRequire } from "node:module";
import type { Redis as RedisClient, RedisOptions } from "ioredis";
import { BackendError } from "../../errors/errors.js";

export type { RedisClient, RedisOptions };
type RedisConstructor = new (url: string, options: RedisOptions) => RedisClient;

let loaded: RedisConstructor | undefined;

/**
 * ioredis, loaded on first use: it is an optional peer dependency, so an app that never names the redis
 * backend never needs it.
 */
export function loadIoredis(): RedisConstructor {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  try {
    const mod = require("ioredis") as { Redis?: RedisConstructor; default?: RedisConstructor };
    loaded = mod.Redis ?? mod.default;
    if (!loaded) throw new Error("the ioredis package exports no Redis class");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND";
    throw new BackendError(
      missing
        ? 'backend "redis" needs the ioredis package, which is not installed: run `npm install ioredis`'
        : `backend "redis" could not load ioredis: ${(error as Error).message}. Reinstall it with \`npm install ioredis\``,
      { cause: error },
    );
  }
  return loaded;
}
