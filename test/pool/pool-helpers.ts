/**
 * Pool runners of test/pool/fixtures/pool-app.ts for the pool tests: each test gets its own copy of the
 * fixture module (so its own app) on its own temp SQLite file, and `withPool` stops the runner, checks
 * every history against the status table, closes the app, removes the file and checks that no worker
 * process outlived the test, in that order, whatever the body did.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { InvocationStatus, type HistoryEntry } from "../../src/index.js";
import type { RunnerInfo } from "../../src/orchestrator/orchestrator-store.js";
import { assertValidHistories, histories } from "../../src/testing/index.js";
import { tempDir } from "../sqlite-files.js";

export { cpuTimeMs, until } from "../multiprocess/harness.js";

/** Absolute path of the fixture module every worker loads the app from. */
export const POOL_APP = fileURLToPath(new URL("./fixtures/pool-app.ts", import.meta.url));

/** The fixture module: `app` and its tasks. */
export type PoolApp = typeof import("./fixtures/pool-app.js");

export const POOL_CLASSES = ["MultiThreadRunner", "PersistentProcessRunner", "ProcessRunner"] as const;
export type PoolCls = (typeof POOL_CLASSES)[number];

export interface PoolOptions {
  readonly workers?: number;
  /** Slots per worker (for ProcessRunner: in total). Default 1. */
  readonly maxParallelSlots?: number;
  /** Default 2000 ms. */
  readonly stopGraceMs?: number;
  /** More configuration fields, set in code before the backend is built (the workers get them too). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** What `run({ module })` gets; default POOL_APP. `null` calls run() without a module. */
  readonly module?: string | URL | null;
  /** Check every history against the status table after the stop (default true). */
  readonly checkHistories?: boolean;
}

/** A pool runner running (or ended), with its app and module. */
export interface Pool {
  readonly cls: PoolCls;
  /** This test's copy of the fixture module (its tasks belong to `app`). */
  readonly mod: PoolApp;
  readonly app: PoolApp["app"];
  readonly sqlitePath: string;
  /**
   * Resolves when run() ended: undefined, or the error it rejected with. Reading it means the test
   * handles a failed run itself; otherwise a rejected run() fails the test at cleanup.
   */
  readonly ended: Promise<unknown>;
  /** Every invocation id in the store. */
  ids(): Promise<string[]>;
  /** Every invocation's history, by id. */
  histories(): Promise<Map<string, HistoryEntry[]>>;
  /** Registered runners of this pool's class (its workers, while they run). */
  workerRunners(): Promise<RunnerInfo[]>;
}

const ALL_STATUSES = Object.values(InvocationStatus);
let copies = 0;

/** A fresh instance of the fixture module, so each test has its own app (and backend). */
export async function freshPoolApp(): Promise<PoolApp> {
  return (await import(`${pathToFileURL(POOL_APP).href}?copy=${++copies}`)) as PoolApp;
}

/**
 * Runs `body` with a pool runner of class `cls` started on a new SQLite file; always stops it and
 * closes the app after (see the file comment). Returns what `body` returned.
 */
export async function withPool<T>(
  cls: PoolCls,
  options: PoolOptions,
  body: (pool: Pool) => Promise<T>,
): Promise<T> {
  const dir = tempDir("tynenc-pool-");
  const mod = await freshPoolApp();
  const { app } = mod;
  const sqlitePath = join(dir.path, "pool.sqlite");
  app.conf.set("sqlitePath", sqlitePath);
  app.conf.set("runnerCls", cls);
  app.conf.set("workers", options.workers ?? 1);
  app.conf.set("maxParallelSlots", options.maxParallelSlots ?? 1);
  app.conf.set("stopGraceMs", options.stopGraceMs ?? 2000);
  for (const [field, value] of Object.entries(options.config ?? {}))
    app.conf.set(field as never, value as never);

  let handled = false;
  let runner: PoolApp["app"]["runner"] | undefined;
  const loop = (async () => {
    runner = app.runner; // throws for a backend the pool cannot use
    await runner.run(options.module === null ? {} : { module: options.module ?? POOL_APP });
  })();
  const outcome = loop.then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
  const pool: Pool = {
    cls,
    mod,
    app,
    sqlitePath,
    get ended() {
      handled = true;
      return outcome.then((end) => end?.error);
    },
    ids: () => allIds(app),
    histories: async () => {
      const ids = await allIds(app);
      const all = await histories(app, ids);
      return new Map(ids.map((id, i) => [id, all[i]!]));
    },
    workerRunners: async () =>
      (await app.backend.orchestratorStore.runners()).filter((runner) => runner.cls === cls),
  };

  const finish = async (check: boolean) => {
    try {
      await runner?.stop();
      const end = await outcome;
      if (check && end && !handled) throw end.error;
      if (check && (options.checkHistories ?? true)) await assertValidHistories(app, await allIds(app));
    } finally {
      await app.close();
      dir.remove();
    }
    if (check) assert.deepEqual(liveWorkerProcesses(), [], "a pool worker process outlived its pool");
  };
  let result: T;
  try {
    result = await body(pool);
  } catch (error) {
    await finish(false).catch(() => {}); // the body's failure is the one to report
    throw error;
  }
  await finish(true);
  return result;
}

async function allIds(app: PoolApp["app"]): Promise<string[]> {
  return [...(await app.backend.orchestratorStore.findByStatus(ALL_STATUSES))];
}

/** Every history entry of `histories`, in the store's global order (`seq`), with its invocation id. */
export function bySeq(histories: Map<string, HistoryEntry[]>): (HistoryEntry & { id: string })[] {
  return [...histories]
    .flatMap(([id, history]) => history.map((entry) => ({ ...entry, id })))
    .sort((a, b) => a.seq - b.seq);
}

/**
 * Live (not zombie) pool worker processes started by this process or its children, as
 * "pid command"; read from /proc.
 */
export function liveWorkerProcesses(): string[] {
  const found: string[] = [];
  for (const pid of descendants(process.pid)) {
    const command = commandOf(pid);
    if (command.includes("worker-main") && stateOf(pid) !== "Z") found.push(`${pid} ${command}`);
  }
  return found;
}

/** Pids of the pool's child processes that are alive now. */
export function workerPids(): number[] {
  return liveWorkerProcesses().map((line) => Number(line.split(" ")[0]));
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = Number(statFields(Number(entry))?.[1]);
    if (Number.isFinite(ppid)) children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** Fields of /proc/<pid>/stat after the command name ([state, ppid, ...]); undefined once gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

function stateOf(pid: number): string | undefined {
  return statFields(pid)?.[0];
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "";
  }
}
