import { randomUUID } from "node:crypto";
import { describe } from "node:test";
import { loadIoredis } from "../../src/backends/redis/driver.js";
import { redisBackend } from "../../src/backends/redis/index.js";
import { delayedDurabilityCases } from "../delayed-durability-cases.js";
import { deleteKeys, needsRedis, TEST_REDIS_URL } from "../redis-context.js";

const options = await needsRedis();

describe("delayed calls on Redis, across a restart and many runners", () => {
  delayedDurabilityCases(async () => {
    const keyPrefix = `tynenc-test:{${randomUUID()}}:`;
    return {
      open: () => redisBackend({ url: TEST_REDIS_URL, appId: "test", keyPrefix }),
      close: async () => {
        const Redis = loadIoredis();
        const cleaner = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
        try {
          await cleaner.connect();
          await deleteKeys(cleaner, keyPrefix);
        } finally {
          cleaner.disconnect();
        }
      },
    };
  }, options);
});
