/**
 * A result awaited on Redis while its invocation finishes: the caller listens for the final before its
 * status read goes out, so a final reached after the read (answered "not final") still settles the
 * result, and the status is read once.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import { Tynenc } from "../../src/index.js";
import { redisBackend } from "../../src/backends/redis/index.js";
import { loadIoredis, type RedisClient } from "../../src/backends/redis/driver.js";
import { calledScript } from "../../src/backends/redis/scripts.js";
import type { StatusRecord } from "../../src/invocation/status.js";
import { deleteKeys, needsRedis, TEST_REDIS_URL } from "../redis-context.js";

const redis = await needsRedis();
/** The status read of an awaited result: store-watch-1.lua, which marks the caller as its listener. */

/** A promise and its resolver. */
function signal(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

void describe("Redis final delivered between the status read and its answer", { ...redis }, () => {
  void it("is not missed, and the status is read once", { timeout: 20_000 }, async () => {
    const Redis = loadIoredis();
    const keyPrefix = `tynenc-test:{${randomUUID()}}:`;
    const callerClient = new Redis(TEST_REDIS_URL, {});
    const subscribers: RedisClient[] = [];
    const duplicate = callerClient.duplicate.bind(callerClient);
    callerClient.duplicate = (...args: Parameters<RedisClient["duplicate"]>) => {
      const copy = duplicate(...args);
      subscribers.push(copy);
      return copy;
    };
    const options = { appId: "final-ordering", loggingLevel: "error" as const, maxParallelSlots: 4 };
    const caller = new Tynenc({ ...options, backend: redisBackend({ client: callerClient, keyPrefix }) });
    const runner = new Tynenc({ ...options, backend: redisBackend({ url: TEST_REDIS_URL, keyPrefix }) });
    const gate = signal();
    const define = (app: Tynenc) => ({
      quick: app.task("quick", async () => 1),
      gated: app.task("gated", async (n: number) => gate.promise.then(() => n * 2)),
    });
    const here = define(caller);
    define(runner);
    const watcher = new Redis(TEST_REDIS_URL, {});
    const loop = runner.runner.run();
    try {
      // A result awaited once the registration is known: the client learns its store answers later.
      const first = here.quick();
      await first.result;
      assert.equal(await (await caller.getInvocation(first.id)).result, 1);
      // A listener keeps the caller's final subscription live: no catch-up read when the result comes.
      const keep = caller.backend.notifier.onFinal(randomUUID(), () => {});
      await caller.backend.notifier.subscribed?.();
      const target = here.gated(21);
      await target.registered;
      const published = new Promise<void>((resolve) => {
        watcher.on("message", (_channel: string, message: string) => {
          if (message.includes(target.id)) resolve();
        });
      });
      await watcher.subscribe(`${keyPrefix}final`);

      // Reads of the target sent before its final reached the caller answer what they found: not final.
      let finalArrived = false;
      const arrived = signal();
      const store = caller.backend.orchestratorStore;
      const getStatus = store.getStatus.bind(store);
      store.getStatus = (id: string) => {
        const answer = getStatus(id) as Promise<StatusRecord | undefined>;
        if (id !== target.id || finalArrived) return answer;
        void answer.then(async () => {
          gate.open(); // it finishes now, after this read was answered
          await published;
          await subscribers[0]!.ping(); // the caller's subscription got the message before this reply
          finalArrived = true;
          arrived.open();
        });
        return answer.then(async (record) => {
          await arrived.promise;
          return record;
        });
      };
      let reads = 0;
      const send = callerClient.sendCommand.bind(callerClient);
      callerClient.sendCommand = (command: { name: string; args: unknown[] }, ...rest: unknown[]) => {
        const name = command.name.toLowerCase();
        const read = name === "hmget" || calledScript(name, command.args[0]) === "store-watch-1";
        if (read && command.args.some((arg) => String(arg).endsWith(target.id))) reads++;
        return (send as (...args: unknown[]) => unknown)(command, ...rest);
      };

      assert.equal(await target.result, 42);
      assert.equal(reads, 1, "one status read of the awaited result");
      keep();
    } finally {
      gate.open();
      await runner.runner.stop();
      await loop;
      watcher.disconnect();
      await caller.close();
      await runner.close();
      await deleteKeys(callerClient, keyPrefix);
      callerClient.disconnect();
    }
  });
});
