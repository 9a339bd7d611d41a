/**
 * What tynenc's Lua scripts cost Redis, measured apart from the runner: `npm run bench:redis:replay`
 * (TYNENC_BENCH_QUICK picks the measurement, default `fib`). On a private redis-server (a free port, no
 * persistence, stopped at the end) it records with MONITOR every command of one quick bench run, then
 * replays them, in order, on a fresh private server each time (REPLAYS times): the state evolves as in
 * the run, so each script runs on what it ran on then. It prints the Redis time per script call
 * (INFO commandstats: no slowlog, whose logging doubles it) and the commands the scripts ran inside,
 * per invocation. The scripts are the current ones (lua/, as compiled): after a change to a script
 * that keeps what it answers, the replay of a trace recorded before shows the change alone. On this
 * 2-core VM the run-to-run spread of the replay is about 5%, against 20% and more for the bench.
 * With TYNENC_REPLAY_TRACE=<file> the trace is saved there, and read from there on the next runs: the
 * same calls replayed on the scripts as they are then (the scripts must still take those arguments).
 * With TYNENC_REPLAY_CALLGRIND=1 one more replay runs on a redis-server under valgrind's callgrind
 * (about 50 times slower), which prints the instructions Redis executed: unlike the µs, that count
 * barely moves from run to run (within 0.3% in three replays here, whatever else the machine did), so
 * a change of 1-2% to the scripts shows. The profile stays in a temp directory for callgrind_annotate.
 * The scripts are replayed as Redis Functions (FCALL), as tynenc runs them, or with
 * TYNENC_REDIS_SCRIPTS=eval as scripts (EVALSHA): a trace recorded in either form replays in both
 * (their arguments are the same), so the two forms compare on the very same calls.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { calledScript, script } from "../../src/backends/redis/scripts.js";
import { freePort, OwnRedisServer, untilReady } from "../../test/redis/fixtures/redis-server.js";

const REPLAYS = 3;
const PIPELINE = 200;
/** Not part of the store's state: connection set-up, pub/sub, introspection, blocking reads. */
const SKIPPED = new Set([
  "monitor",
  "subscribe",
  "unsubscribe",
  "psubscribe",
  "punsubscribe",
  "publish",
  "client",
  "info",
  "hello",
  "select",
  "auth",
  "quit",
  "script",
  "function",
  "ping",
  "config",
  "slowlog",
  "scan",
  "cluster",
  "command",
  "blpop",
  "brpop",
  "bzpopmin",
]);

interface Recorded {
  /** The script's file name for FCALL or EVALSHA, else undefined. */
  readonly script: string | undefined;
  readonly args: readonly string[];
}

/** A redis-server of its own on a free port, as the restart tests start one (no persistence). */
async function privateRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = await OwnRedisServer.start({ persistent: false });
  return { url: server.url, stop: () => server.close() };
}

/** Scripts run as functions (FCALL), as tynenc does unless TYNENC_REDIS_SCRIPTS=eval. */
const AS_FUNCTIONS = process.env["TYNENC_REDIS_SCRIPTS"] !== "eval";

/** Every command of one quick bench run against `url`, and the commands scripts ran inside, by name. */
async function record(
  url: string,
  quick: string,
): Promise<{ commands: Recorded[]; inside: Map<string, number> }> {
  const commands: Recorded[] = [];
  const inside = new Map<string, number>();
  const watcher = new Redis(url);
  const monitor = await watcher.monitor();
  monitor.on("monitor", (_time: string, args: string[], source: string) => {
    const name = (args[0] ?? "").toLowerCase();
    if (source === "lua") {
      inside.set(name, (inside.get(name) ?? 0) + 1);
      return;
    }
    if (SKIPPED.has(name)) return;
    if (name === "evalsha" || name === "fcall") {
      const found = calledScript(name, args[1]);
      if (found !== undefined) commands.push({ script: found, args: args.slice(2) });
      return;
    }
    // tynenc sends EVAL only after a NOSCRIPT answer to the EVALSHA recorded just before (scripts.ts),
    // as it loads a function after a "Function not found" answer to the FCALL before; the replay loads
    // every script first, so that the recorded call does the work and the EVAL (or FUNCTION) is left out.
    if (name === "eval") return;
    commands.push({ script: undefined, args });
  });
  const bench = spawn(
    process.execPath,
    ["--expose-gc", fileURLToPath(new URL("./run.js", import.meta.url))],
    {
      env: { ...process.env, TYNENC_BENCH_REDIS_URL: url, TYNENC_BENCH_QUICK: quick, TYNENC_BENCH_COUNT: "" },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  const code = await new Promise<number | null>((resolve) => bench.once("exit", resolve));
  await new Promise((resolve) => setTimeout(resolve, 200)); // the last monitor lines
  monitor.disconnect();
  watcher.disconnect();
  if (code !== 0) throw new Error(`the bench run exited with code ${code}`);
  return { commands, inside };
}

interface Replayed {
  readonly usec: number;
  readonly calls: number;
  /** Replies that were errors (a replay that is not the session it recorded: its figures mean little). */
  readonly failed: number;
  /** The first of them, to say why. */
  readonly firstError?: string;
  /** By script: its calls and their Redis time (µs); only when replayed `byScript`. */
  readonly scripts: Map<string, { calls: number; usec: number }>;
}

const SCRIPT_USEC = /cmdstat_(?:evalsha|fcall):calls=\d+,usec=(\d+)/;

/**
 * Replays `commands` on a fresh private Redis; the script calls' Redis time (µs) and their count. With
 * `byScript`, an INFO follows each script call in the pipeline, so each call's own time is the change
 * of the script calls' total (INFO's time is counted under its own name); this run's total is not printed as
 * the plain replays' (the INFOs between change what the caches hold).
 */
async function replay(
  commands: readonly Recorded[],
  byScript = false,
  start: () => Promise<{ url: string; stop: () => Promise<void> }> = privateRedis,
): Promise<Replayed> {
  const server = await start();
  const redis = new Redis(server.url);
  try {
    for (const name of new Set(commands.flatMap((c) => (c.script ? [c.script] : [])))) {
      if (AS_FUNCTIONS) await redis.call("FUNCTION", ["LOAD", script(name).library]);
      else await redis.script("LOAD", script(name).source);
    }
    await redis.config("RESETSTAT");
    const scripts = new Map<string, { calls: number; usec: number }>();
    let before = 0;
    let failed = 0;
    let firstError: string | undefined;
    for (let from = 0; from < commands.length; from += PIPELINE) {
      const pipeline = redis.pipeline();
      const slice = commands.slice(from, from + PIPELINE);
      for (const { script: name, args } of slice) {
        if (name !== undefined) {
          if (AS_FUNCTIONS) pipeline.call("FCALL", [script(name).fn, ...args]);
          else pipeline.call("EVALSHA", [script(name).sha, ...args]);
          if (byScript) pipeline.info("commandstats");
        } else pipeline.call(args[0]!, args.slice(1));
      }
      const replies = (await pipeline.exec()) ?? [];
      for (const [error] of replies) {
        if (!error) continue;
        failed += 1;
        firstError ??= error.message;
      }
      if (byScript) {
        let at = 0;
        for (const { script: name } of slice) {
          at += 1;
          if (name === undefined) continue;
          const info = replies[at]?.[1];
          const usec = Number(SCRIPT_USEC.exec(typeof info === "string" ? info : "")?.[1] ?? 0);
          at += 1;
          const entry = scripts.get(name) ?? { calls: 0, usec: 0 };
          scripts.set(name, { calls: entry.calls + 1, usec: entry.usec + usec - before });
          before = usec;
        }
      }
    }
    await printMarks(redis);
    const stats = await redis.info("commandstats");
    const found = /cmdstat_(?:evalsha|fcall):calls=(\d+),usec=(\d+)/.exec(stats);
    const calls = Number(found?.[1] ?? 0);
    return { calls, usec: Number(found?.[2] ?? 0), scripts, failed, ...(firstError ? { firstError } : {}) };
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

/** How long valgrind may take to start redis-server. */
const CALLGRIND_START_MS = 60_000;

/**
 * A redis-server on a free port run by `valgrind --tool=callgrind` (no persistence). `stop()` ends it
 * with SIGTERM, so that callgrind writes its profile, and then `instructions` holds the count it printed.
 */
async function callgrindRedis(): Promise<{
  url: string;
  stop: () => Promise<void>;
  instructions: () => number;
  profile: string;
}> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "tynenc-callgrind-"));
  const profile = join(dir, "callgrind.out");
  const server = ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", ""];
  const child = spawn(
    "valgrind",
    ["--tool=callgrind", `--callgrind-out-file=${profile}`, ...server, "--appendonly", "no", "--dir", dir],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  await untilReady(child, CALLGRIND_START_MS, (text) => (output += text)).catch((error: unknown) => {
    child.kill("SIGKILL");
    throw new Error(`redis-server under callgrind did not start: ${String(error)}\n${output}`);
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    profile,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const closed = once(child, "close"); // after the exit, once its output (the count) is read
      child.kill("SIGTERM");
      await closed;
    },
    instructions: () => Number(/Collected : (\d+)/.exec(output)?.[1] ?? Number.NaN),
  };
}

/**
 * A script instrumented by hand for a replay (marks that add the µs since the one before to the hash
 * `prof`, and a count to `profn`, with TIME; see docs/benchmarks-redis.md) leaves its figures there:
 * printed per label, once per replay.
 */
async function printMarks(redis: Redis): Promise<void> {
  const [total, count] = await Promise.all([redis.hgetall("prof"), redis.hgetall("profn")]);
  const labels = Object.keys(total).sort((a, b) => Number(total[b]) - Number(total[a]));
  for (const label of labels) {
    const usec = Number(total[label]);
    const n = Number(count[label] ?? 1);
    console.log(
      `    mark ${label}: ${n} times, ${(usec / 1000).toFixed(1)} ms, ${(usec / n).toFixed(2)} µs each`,
    );
  }
}

const quick = process.env["TYNENC_BENCH_QUICK"] ?? "fib";
/** TYNENC_REPLAY_TRACE=<file>: the trace is read from there when the file exists, else saved there. */
const traceFile = process.env["TYNENC_REPLAY_TRACE"];

async function recordOnce(): Promise<Awaited<ReturnType<typeof record>>> {
  const source = await privateRedis();
  try {
    return await record(source.url, quick);
  } finally {
    await source.stop();
  }
}

let recorded: Awaited<ReturnType<typeof record>>;
if (traceFile && existsSync(traceFile)) {
  const saved = JSON.parse(readFileSync(traceFile, "utf8")) as {
    commands: Recorded[];
    inside: [string, number][];
  };
  recorded = { commands: saved.commands, inside: new Map(saved.inside) };
  console.log(`(the trace of ${traceFile}, recorded before: the scripts' changes since are what differs)`);
} else {
  recorded = await recordOnce();
  if (traceFile)
    writeFileSync(traceFile, JSON.stringify({ commands: recorded.commands, inside: [...recorded.inside] }));
}
const { commands, inside } = recorded;
const invocations = commands.filter((c) => c.script === "store-finish-5").length;
console.log(
  `\nrecorded ${commands.length} commands (${invocations} finishes) of TYNENC_BENCH_QUICK=${quick}`,
);
for (let i = 0; i < REPLAYS; i++) {
  const { usec, calls, failed, firstError } = await replay(commands);
  const errors = failed > 0 ? `; ${failed} replies were errors (first: ${firstError})` : "";
  console.log(
    `  replay ${i + 1}: ${calls} script calls, ${(usec / 1000).toFixed(0)} ms in Redis, ${(usec / calls).toFixed(1)} µs per call${errors}`,
  );
}
const { scripts } = await replay(commands, true);
const byTime = [...scripts].sort((a, b) => b[1].usec - a[1].usec);
console.log(
  `  by script (a replay with an INFO after each call): ${byTime
    .map(([name, { calls, usec }]) => `${name} ${calls} calls, ${(usec / calls).toFixed(1)} µs each`)
    .join("; ")}`,
);
if (process.env["TYNENC_REPLAY_CALLGRIND"] === "1") {
  let server: Awaited<ReturnType<typeof callgrindRedis>> | undefined;
  const run = await replay(commands, false, async () => (server = await callgrindRedis()));
  const count = server!.instructions();
  console.log(
    `  callgrind: ${count.toLocaleString("en-US")} instructions in Redis for the whole replay, ` +
      `${Math.round(count / Math.max(invocations, 1)).toLocaleString("en-US")} per finished invocation ` +
      `(${run.calls} script calls; profile: ${server!.profile})`,
  );
  if (run.failed > 0) {
    console.log(
      `  callgrind replay NOT the recorded session: ${run.failed} replies were errors (first: ${run.firstError}); its count means little`,
    );
  }
}
const total = [...inside.values()].reduce((sum, n) => sum + n, 0);
const per = (n: number) => (n / Math.max(invocations, 1)).toFixed(2);
const top = [...inside]
  .filter(([, n]) => n / Math.max(invocations, 1) >= 0.01)
  .sort((a, b) => b[1] - a[1])
  .map(([name, n]) => `${name} ${per(n)}`);
console.log(`  commands inside scripts per finished invocation: ${per(total)} (${top.join(", ")})`);
