import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { sqliteBenchApp } from "./sqlite-app.js";

type Client = ReturnType<typeof sqliteBenchApp>;

const RUNNER = fileURLToPath(new URL("./sqlite-runner.js", import.meta.url));
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

/** Node flags for the runner processes, e.g. "--cpu-prof --cpu-prof-dir=prof" to profile them. */
function runnerExecArgv(): string[] {
  return (process.env["TYNENC_BENCH_RUNNER_ARGS"] ?? "").split(" ").filter(Boolean);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** SIGTERM (a graceful stop, so a profiled runner writes its profile), SIGKILL if it lingers. */
async function stopChild(child: ChildProcess): Promise<void> {
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
  await exited(child);
  clearTimeout(timer);
}

/**
 * Polls the runner registry until `count` runners are listed: start-up (node, the app, the
 * migration check, the first heartbeat) stays out of the timings. Fails if a runner exits first.
 */
async function untilRegistered(client: Client, children: ChildProcess[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const dead = children.find((c) => c.exitCode !== null || c.signalCode !== null);
    if (dead) throw new Error(`bench runner process ${dead.pid} exited during start-up`);
    const runners = await client.app.backend.orchestratorStore.runners();
    if (runners.length >= children.length) return;
    if (Date.now() > deadline) throw new Error(`${children.length} bench runners not registered in 30 s`);
    await sleep(20);
  }
}

/**
 * Runs `body` with a client app (this process, DummyRunner) and `count` runner processes of `slots`
 * slots on a new temp SQLite file, all registered. The processes are this function's: they are
 * stopped, and the directory removed, whatever `body` does.
 */
export async function withRunnerProcesses<T>(
  count: number,
  slots: number | undefined,
  body: (client: Client) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "tynenc-bench-"));
  const path = join(dir, "bench.sqlite");
  const children: ChildProcess[] = [];
  let client: Client | undefined;
  try {
    client = sqliteBenchApp({ path, client: true });
    void client.app.backend; // creates the file and its schema before the runners open it
    for (let i = 0; i < count; i++) {
      const args = slots === undefined ? [path] : [path, String(slots)];
      const stdio = ["ignore", "inherit", "inherit", "ipc"] as const;
      children.push(fork(RUNNER, args, { stdio: [...stdio], execArgv: runnerExecArgv() }));
    }
    await untilRegistered(client, children);
    return await body(client);
  } finally {
    await Promise.all(children.map(stopChild));
    await client?.app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
