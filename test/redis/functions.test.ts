/**
 * The backend's scripts as Redis Functions (scripts.ts): each script a library of its own, its helpers
 * made once when it loads and only what follows its `--#call` line run per call; EVALSHA where functions
 * cannot run. Each test runs a redis-server of its own on a free port (never the shared one): it flushes
 * functions and sets ACL users there.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadIoredis, type RedisClient } from "../../src/backends/redis/driver.js";
import { redisBackend } from "../../src/backends/redis/index.js";
import { calledScript, runsFunctions, script, scriptNames } from "../../src/backends/redis/scripts.js";
import { InvocationStatus, Tynenc, type Task } from "../../src/index.js";
import { assertValidHistories, withRunner } from "../../src/testing/index.js";
import { needsRedisServer, OwnRedisServer } from "./fixtures/redis-server.js";

const SCRIPTS = scriptNames();
/** The scripts whose helpers are made once (a `--#call` line): the ones a task's life runs. */
const SPLIT = ["store-finish-5", "store-pause-3", "store-register-3", "claim-next-5", "store-resume-2"];

const server = needsRedisServer();

/** What `client` sends: a script call as "<fcall|evalsha> <script>", another command by its name. */
function recordCommands(client: RedisClient): string[] {
  const sent: string[] = [];
  const send = client.sendCommand.bind(client);
  client.sendCommand = (command: { name: string; args: unknown[] }, ...rest: unknown[]) => {
    const name = command.name.toLowerCase();
    const called = calledScript(name, command.args[0]);
    sent.push(called === undefined ? name : `${name} ${called}`);
    return (send as (...args: unknown[]) => unknown)(command, ...rest);
  };
  return sent;
}

/** fib(n) on one slot, its result and every history checked, on an app over `client`. */
async function fibOn(client: RedisClient, n: number, expected: number): Promise<void> {
  const backend = redisBackend({ client, appId: "functions", keyPrefix: `tynenc-test:{functions-${n}}:` });
  const app = new Tynenc({ appId: "functions", loggingLevel: "error", maxParallelSlots: 1, backend });
  const fib: Task<[number], number> = app.task("fib", async (k: number): Promise<number> => {
    if (k <= 1) return k;
    const [a, b] = await Promise.all([fib(k - 1).result, fib(k - 2).result]);
    return a + b;
  });
  try {
    await withRunner(app, async () => {
      assert.equal(await fib(n).result, expected);
    });
    const ids = await app.backend.orchestratorStore.findByStatus([InvocationStatus.SUCCESS]);
    assert.equal(ids.length, fibCount(n));
    await assertValidHistories(app, ids);
  } finally {
    await app.close();
  }
}

/** How many invocations fib(n) makes. */
function fibCount(n: number): number {
  return n <= 1 ? 1 : 1 + fibCount(n - 1) + fibCount(n - 2);
}

/** Runs `body` with TYNENC_REDIS_SCRIPTS set to `value` (deleted for undefined), then as it was. */
async function withScriptsEnv(value: string | undefined, body: () => Promise<void>): Promise<void> {
  const before = process.env["TYNENC_REDIS_SCRIPTS"];
  if (value === undefined) delete process.env["TYNENC_REDIS_SCRIPTS"];
  else process.env["TYNENC_REDIS_SCRIPTS"] = value;
  try {
    await body();
  } finally {
    if (before === undefined) delete process.env["TYNENC_REDIS_SCRIPTS"];
    else process.env["TYNENC_REDIS_SCRIPTS"] = before;
  }
}

function scriptCalls(sent: readonly string[], command: "fcall" | "evalsha"): string[] {
  return sent.filter((s) => s.startsWith(`${command} `));
}

void describe("Redis scripts as functions", { ...server }, () => {
  void it("every script loads as a library of its own; the split ones make their helpers once", async () => {
    const own = await OwnRedisServer.start({ persistent: false });
    const client = new (loadIoredis())(own.url, {});
    try {
      // On a fresh server each library compiles and runs its definitions (no redis.call, no string,
      // no KEYS or ARGV at load time: one that touched them would fail here).
      for (const name of SCRIPTS) {
        assert.equal(await client.call("FUNCTION", ["LOAD", script(name).library]), script(name).fn, name);
      }
      const listed = (await client.call("FUNCTION", ["LIST"])) as unknown[];
      assert.equal(listed.length, SCRIPTS.length);
      for (const name of SPLIT) {
        const { library, source } = script(name);
        assert.equal(source.split("\n").filter((line) => line === "--#call").length, 1, name);
        const entry = library.indexOf("register('");
        // The helpers are defined before the function (once), the per-call part inside it.
        assert.ok(library.lastIndexOf("local function K(", entry) !== -1, `${name}: K made at load`);
        assert.ok(library.indexOf("KEYS, ARGV = keys, args", entry) > entry, name);
        assert.ok(!library.slice(0, entry).includes("--#each"), `${name}: each blocks moved into the call`);
      }
      // A cache an include keeps for one call is emptied on entry, not made once.
      const finish = script("store-finish-5").library;
      const entry = finish.indexOf("register('");
      for (const reset of ["recordCache = {}", "waitedRead = {}"]) {
        assert.ok(finish.indexOf(reset, entry) > entry, reset);
        assert.equal(finish.slice(0, entry).includes(reset), false, reset);
      }
      // As EVAL runs them, the files are unchanged: the markers are comments.
      assert.ok(script("store-finish-5").source.includes("\n--#call\n"));
    } finally {
      client.disconnect();
      await own.close();
    }
  });

  // Functions are what this test is about: a run of the suite with TYNENC_REDIS_SCRIPTS=eval (the
  // EVALSHA form) leaves them on here.
  void it("runs a task tree by FCALL alone, and loads the libraries again after the server lost them", () =>
    withScriptsEnv(undefined, async () => {
      const own = await OwnRedisServer.start({ persistent: false });
      const client = new (loadIoredis())(own.url, {});
      const admin = new (loadIoredis())(own.url, {});
      try {
        const sent = recordCommands(client);
        await fibOn(client, 7, 13);
        assert.ok(runsFunctions(client));
        assert.deepEqual(scriptCalls(sent, "evalsha"), []);
        assert.ok(scriptCalls(sent, "fcall").length > 40, sent.join(" "));
        // A restart that kept the data but not the functions (or FUNCTION FLUSH): each call that finds its
        // function gone loads its library and is sent again.
        await admin.call("FUNCTION", ["FLUSH"]);
        sent.length = 0;
        await fibOn(client, 8, 21);
        assert.ok(sent.includes("function"), "loaded again");
        assert.deepEqual(scriptCalls(sent, "evalsha"), []);
        const loaded = (await admin.call("FUNCTION", ["LIST"])) as unknown[];
        assert.ok(loaded.length > 0);
      } finally {
        client.disconnect();
        admin.disconnect();
        await own.close();
      }
    }));

  void it("a user that may not run functions (ACL): every script goes as EVALSHA, and works", async () => {
    const own = await OwnRedisServer.start({ persistent: false });
    const admin = new (loadIoredis())(own.url, {});
    await admin.call("ACL", [
      "SETUSER",
      "nofunctions",
      "on",
      ">secret",
      "~*",
      "&*",
      "+@all",
      "-fcall",
      "-function",
    ]);
    const url = own.url.replace("redis://", "redis://nofunctions:secret@");
    const client = new (loadIoredis())(url, {});
    try {
      const sent = recordCommands(client);
      await fibOn(client, 7, 13);
      assert.equal(runsFunctions(client), false);
      // The first script calls' FCALL (those sent before the first refusal came back: how many depends on
      // the machine's load) were refused; every one since went as EVALSHA.
      const firstEvalsha = sent.findIndex((s) => s.startsWith("evalsha "));
      assert.ok(firstEvalsha >= 0, sent.join(" "));
      assert.deepEqual(scriptCalls(sent.slice(firstEvalsha), "fcall"), [], sent.join(" "));
      assert.ok(scriptCalls(sent, "evalsha").length > 40, sent.join(" "));
      assert.deepEqual(await admin.call("FUNCTION", ["LIST"]), [], "nothing loaded");
    } finally {
      client.disconnect();
      admin.disconnect();
      await own.close();
    }
  });

  void it("TYNENC_REDIS_SCRIPTS=eval runs them as EVALSHA on a server that has functions", () =>
    withScriptsEnv("eval", async () => {
      const own = await OwnRedisServer.start({ persistent: false });
      const client = new (loadIoredis())(own.url, {});
      try {
        const sent = recordCommands(client);
        await fibOn(client, 7, 13);
        assert.deepEqual(scriptCalls(sent, "fcall"), []);
        assert.ok(scriptCalls(sent, "evalsha").length > 40);
      } finally {
        client.disconnect();
        await own.close();
      }
    }));
});
