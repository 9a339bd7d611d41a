/**
 * The whole sample in one command (`npm run sample:sqlite`): on a new temp database file, forks two
 * runner processes of one slot each (worker.ts), waits until both run, forks the client (client.ts),
 * which prints the results and which runner ran how many, then stops the runners with SIGTERM and
 * removes the file. The processes are the demo's: stopped in `finally` whatever happens, and they stop
 * on their own if the demo is killed (see owned.ts). Exits with the client's exit code.
 */
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
/** tsx by absolute URL, so the children load TypeScript whatever the working directory. */
const TSX = import.meta.resolve("tsx");
const START_TIMEOUT_MS = 20_000;
const KILL_AFTER_MS = 10_000;

/** Ctrl-C or a SIGTERM ends the demo through its `finally`, not mid-way. */
const interrupted = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => interrupted.abort(new Error(`interrupted by ${signal}`)));
}

function start(file: string, env: NodeJS.ProcessEnv): ChildProcess {
  return fork(here(file), [], {
    env,
    execArgv: ["--import", TSX],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return once(child, "exit").then(([code]) => code as number | null);
}

/** Resolves with the runner id once the worker's runner runs; rejects if it exits or takes too long. */
async function runnerStarted(child: ChildProcess, name: string): Promise<string> {
  const signal = AbortSignal.any([interrupted.signal, AbortSignal.timeout(START_TIMEOUT_MS)]);
  const message = new Promise<string>((resolve) =>
    child.on("message", (m: { type?: string; runnerId?: string }) => {
      if (m.type === "started" && m.runnerId) resolve(m.runnerId);
    }),
  );
  const died = exited(child).then((code) => Promise.reject(new Error(`${name} exited (code ${code})`)));
  const aborted = once(signal, "abort").then(() => Promise.reject(signal.reason as Error));
  return Promise.race([message, died, aborted]);
}

/** SIGTERM, the graceful stop; SIGKILL if it is still there KILL_AFTER_MS later. */
async function stop(child: ChildProcess): Promise<void> {
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), KILL_AFTER_MS);
  await exited(child);
  clearTimeout(timer);
}

async function runClient(env: NodeJS.ProcessEnv): Promise<number> {
  const client = start("client.ts", env);
  const abort = () => client.kill("SIGTERM");
  interrupted.signal.addEventListener("abort", abort);
  try {
    const code = await exited(client);
    if (interrupted.signal.aborted) throw interrupted.signal.reason;
    return code ?? 1;
  } finally {
    interrupted.signal.removeEventListener("abort", abort);
  }
}

const dir = mkdtempSync(join(tmpdir(), "tynenc-sqlite-workers-"));
const sqlitePath = join(dir, "sample.sqlite");
const env = { ...process.env, TYNENC__SQLITE_PATH: sqlitePath, TYNENC__MAX_PARALLEL_SLOTS: "1" };
const runners: ChildProcess[] = [];
try {
  console.log(`demo: database ${sqlitePath}`);
  const names = ["runner A", "runner B"];
  runners.push(...names.map(() => start("worker.ts", env)));
  const runnerIds = await Promise.all(runners.map((child, i) => runnerStarted(child, names[i]!)));
  runners.forEach((child, i) => {
    console.log(`demo: ${names[i]} is runner ${runnerIds[i]!.slice(0, 8)}, pid ${child.pid}, 1 slot`);
  });
  process.exitCode = await runClient(env);
} catch (error) {
  console.error(`demo: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await Promise.all(runners.map(stop));
  rmSync(dir, { recursive: true, force: true });
  console.log(`demo: runners stopped, ${dir} removed`);
}
