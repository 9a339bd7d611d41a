/**
 * Script calls made in one turn of the event loop go out in one socket write (scripts.ts batchWrites):
 * a runner's registration of the children a task awaits and the pause after it cost one write, not two.
 */
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { afterEach, beforeEach, describe, it } from "node:test";
import { loadScripts, runScript } from "../../src/backends/redis/scripts.js";
import type { RedisContext } from "../../src/backends/redis/context.js";
import { needsRedis, tempRedisContext } from "../redis-context.js";

const redis = await needsRedis();

void describe("Redis script calls of one turn in one write", { ...redis }, () => {
  let context: RedisContext & { close(): Promise<void> };

  beforeEach(async () => {
    context = await tempRedisContext();
    await context.client.ping(); // connected: its socket is in place
    // Loaded before the writes are counted: a first call on a server without it loads it too.
    await loadScripts(context.client, ["store-read-1"]);
  });

  afterEach(() => context.close());

  /** The ids' statuses through store-read-1.lua (unknown ids: three nils each). */
  const read = (ids: readonly string[]) =>
    runScript(
      context.client,
      "store-read-1",
      [`${context.prefix}os:seq`],
      [`${context.prefix}os:`, "statuses", ...ids],
    );

  void it("holds the calls of one turn in the socket and writes them together at its end, in order", async () => {
    const socket = (context.client as unknown as { stream: Socket }).stream;
    const writes: number[] = [];
    const original = socket._writev?.bind(socket);
    const single = socket._write.bind(socket);
    socket._writev = (chunks, callback) => {
      writes.push(chunks.length);
      original!(chunks, callback);
    };
    socket._write = (chunk, encoding, callback) => {
      writes.push(1);
      single(chunk, encoding, callback);
    };
    try {
      const first = read(["a"]);
      assert.equal(socket.writableCorked, 1, "the first call of the turn corks the socket");
      const second = read(["b", "c"]);
      assert.deepEqual(writes, [], "nothing written before the turn ends");
      const answers = (await Promise.all([first, second])) as unknown[][];
      assert.deepEqual(
        answers.map((a) => a.length),
        [3, 6],
        "each call answered",
      );
      assert.equal(socket.writableCorked, 0);
      assert.deepEqual(writes, [2], "both calls in one write");
      // A call of a later turn goes out in a write of its own.
      await read(["d"]);
      assert.deepEqual(writes, [2, 1]);
    } finally {
      delete (socket as Partial<Socket>)._writev;
      delete (socket as Partial<Socket>)._write;
    }
  });
});
