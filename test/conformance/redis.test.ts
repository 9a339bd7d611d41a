import { needsRedis, tempRedisBackend } from "../redis-context.js";
import { runConformance } from "./index.js";

const redis = await needsRedis();
if (redis.skip) {
  const { it } = await import("node:test");
  it("conformance on redis", redis, () => {});
} else {
  runConformance("redis", () => tempRedisBackend());
}
