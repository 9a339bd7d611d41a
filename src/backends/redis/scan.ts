import type { RedisClient } from "./driver.js";

/** What SCAN needs of an ioredis Cluster: its master nodes, each scanned on its own. */
interface ClusterLike {
  readonly isCluster: true;
  nodes(role: "master"): RedisClient[];
}

/** An ioredis Cluster (passed in code) rather than a single-server client. */
export function isCluster(client: RedisClient): boolean {
  return (client as unknown as Partial<ClusterLike>).isCluster === true;
}

/**
 * The keys matching `pattern` (a SCAN MATCH pattern), one SCAN reply at a time. A SCAN cursor belongs to
 * one server, so on a Redis Cluster (an ioredis Cluster passed in code) every master is scanned in turn;
 * sent to the cluster client itself, each call could land on another node.
 */
export async function* scanKeys(client: RedisClient, pattern: string): AsyncGenerator<string[]> {
  const servers = isCluster(client) ? (client as unknown as ClusterLike).nodes("master") : [client];
  for (const server of servers) {
    let cursor = "0";
    do {
      const [next, keys] = await server.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) yield keys;
    } while (cursor !== "0");
  }
}

/** `text` as a SCAN MATCH pattern that matches it literally. */
export function literalPattern(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}
