/**
 * The finish script (store-finish-5.lua) publishes the final message of the finishes it accepts, in the
 * notifier's format: another backend on the same prefix is woken with the outcome, and the finishing
 * backend sends no PUBLISH of its own. Finals that do not go through that script are still published by
 * the notifier. The registration script (store-register-3.lua) publishes the work message the same way
 * (while a runner waits for work: test/redis/idle-runners.test.ts).
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { Backend } from "../../src/backends/backend.js";
import { loadIoredis, type RedisClient } from "../../src/backends/redis/driver.js";
import { redisBackend } from "../../src/backends/redis/index.js";
import { calledScript, loadScripts, scriptNames } from "../../src/backends/redis/scripts.js";
import { CancelRequestedError } from "../../src/errors/errors.js";
import type { Outcome } from "../../src/invocation/invocation-record.js";
import type { Awaitable } from "../../src/util/awaitable.js";
import { InvocationStatus } from "../../src/invocation/status.js";
import { needsRedis, ownRedisBackend, runningOn, TEST_REDIS_URL } from "../redis-context.js";

const S = InvocationStatus;
const redis = await needsRedis();

/** Resolves once `client` has sent no command for 30 ms. */
async function quiet(sent: readonly string[]): Promise<void> {
  let seen = -1;
  while (seen !== sent.length) {
    seen = sent.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

/** Every command `client` sends from now on, by name (lower case). */
function countCommands(client: RedisClient): string[] {
  const sent: string[] = [];
  const send = client.sendCommand.bind(client);
  client.sendCommand = (command: { name: string; args: unknown[] }, ...rest: unknown[]) => {
    sent.push(calledScript(command.name, command.args[0]) ?? command.name.toLowerCase());
    return (send as (...args: unknown[]) => unknown)(command, ...rest);
  };
  return sent;
}

void describe("Redis finals published by the finish script", { ...redis }, () => {
  let client: RedisClient;
  let prefix: string;
  let here: Backend;
  let thereClient: RedisClient;
  let there: Backend;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ client, prefix, backend: here, close } = await ownRedisBackend());
    thereClient = new (loadIoredis())(TEST_REDIS_URL, {});
    there = redisBackend({ client: thereClient, keyPrefix: prefix });
    await there.ready;
    // Loaded before the commands are counted: a first call on a server without them loads them too.
    await loadScripts(client, scriptNames());
  });

  afterEach(async () => {
    await there.close();
    thereClient.disconnect();
    await close();
  });

  /** Registered, stored, queued and claimed to RUNNING by r1 (on `here`). */
  const running = (ids: readonly string[]) => runningOn(here, ids);

  /** `there` listens for the finals of `ids`: each arrival with the outcome it could read at once. */
  async function listenThere(ids: readonly string[]): Promise<Map<string, Awaitable<Outcome | undefined>>> {
    const arrived = new Map<string, Awaitable<Outcome | undefined>>();
    for (const id of ids)
      there.notifier.onFinal(id, () => arrived.set(id, there.stateBackend.getOutcome(id)));
    await there.notifier.subscribed!();
    return arrived;
  }

  void it("reach another backend with their outcome, and the finishing one sends no PUBLISH", async () => {
    await running(["a", "b"]);
    await here.orchestratorStore.requestCancel("b");
    const arrived = await listenThere(["a", "b"]);
    let localA = 0;
    here.notifier.onFinal("a", () => localA++);
    const sent = countCommands(client);
    const finish = (id: string) =>
      here.finishFinal!({
        id,
        outcome: { ok: true, value: `"${id}!"` },
        runnerId: "r1",
        status: S.SUCCESS,
        unowned: false,
      });
    const [a, b] = await Promise.allSettled([finish("a"), finish("b")]);
    assert.equal(a.status, "fulfilled");
    assert.ok(b.status === "rejected" && b.reason instanceof CancelRequestedError);
    // What the orchestrator does after an accepted finish: the listeners here run, nothing is published.
    here.notifier.publishFinal("a");
    assert.equal(localA, 1);
    await quiet(sent);
    assert.deepEqual(sent, ["store-finish-5"]);
    while (!arrived.has("a")) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(await arrived.get("a"), { ok: true, value: '"a!"' });
    assert.equal(arrived.has("b"), false, "a refused finish publishes nothing");
  });

  void it("carry the outcome in the message: the other backend reads none from Redis", async () => {
    await running(["a"]);
    const thereSent = countCommands(thereClient);
    const arrived = await listenThere(["a"]);
    await quiet(thereSent); // the subscription's catch-up read
    thereSent.length = 0;
    await here.finishFinal!({
      id: "a",
      outcome: { ok: false, error: '{"m":"no"}' },
      runnerId: "r1",
      status: S.FAILED,
      unowned: false,
    });
    while (!arrived.has("a")) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(await arrived.get("a"), { ok: false, error: '{"m":"no"}' });
    await quiet(thereSent);
    assert.deepEqual(thereSent, [], "no outcome read");
  });

  void it("leave the finals that do not go through the finish script to the notifier", async () => {
    await running(["c"]);
    const arrived = await listenThere(["c"]);
    const sent = countCommands(client);
    // A final move through store-change-3.lua, as a cancel or the SQLite-shaped path makes one.
    await here.orchestratorStore.transition("c", S.SUCCESS, "r1", Date.now(), { clearWaits: true });
    here.notifier.publishFinal("c");
    while (!arrived.has("c")) await new Promise((resolve) => setTimeout(resolve, 5));
    await quiet(sent);
    assert.equal(sent.filter((name) => name === "publish").length, 1);
  });

  void it("leave the work message of a registration to the registration script", async () => {
    let woken = 0;
    there.notifier.onWork(() => woken++);
    await there.notifier.subscribed!();
    // A runner there found nothing to claim: it waits for work, so the registration publishes.
    const found = await there.claimNext!("r2", 1, Date.now(), { window: 64, running: true });
    assert.equal(found.records.length, 0);
    let wokenHere = 0;
    here.notifier.onWork(() => wokenHere++);
    const sent = countCommands(client);
    const record = { id: "w", taskId: "t", argsId: "w", serializedArgs: "[]", parentId: null, createdAt: 1 };
    await here.registerAndRoute!([{ id: "w", taskId: "t" }], [record], null, Date.now(), () =>
      here.notifier.publishWork(),
    );
    assert.equal(wokenHere, 1, "the runners here are woken at once");
    while (woken === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await quiet(sent);
    assert.deepEqual(sent, ["store-register-3"]);
    assert.deepEqual(await here.broker.retrieve(10), ["w"]);
  });
});
