/**
 * Child processes for the multi-process tests: each fixture runs as `node --import tsx <fixture>`, is
 * configured through environment variables and reports on stdout, one JSON object a line. The test
 * that starts a child owns it: `Processes.cleanup()` (in `afterEach`) kills what is left and checks
 * that no child of this process survived.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const FIXTURES = new URL("./fixtures/", import.meta.url);

/** One line a fixture printed: `{ "type": ..., ...fields }`. */
export type Message = { readonly type: string } & Record<string, unknown>;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A fixture running in a child process of this one. */
export class Worker {
  readonly messages: Message[] = [];
  readonly exit: Promise<Exit>;
  private stderrText = "";
  private exited = false;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    let pending = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split("\n");
      pending = lines.pop()!;
      for (const line of lines) if (line.startsWith("{")) this.messages.push(JSON.parse(line) as Message);
      this.changed();
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      this.stderrText += chunk.toString();
      this.changed();
    });
    this.exit = once(child, "exit").then(([code, signal]) => {
      this.exited = true;
      this.changed();
      return { code: code as number | null, signal: signal as NodeJS.Signals | null };
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** Resolves with the first message of `type` (printed already or later); rejects if the child exits first. */
  message<T extends Message = Message>(type: string, timeoutMs = 30_000): Promise<T> {
    return this.until(
      () => this.messages.find((m) => m.type === type) as T | undefined,
      `"${type}"`,
      timeoutMs,
    );
  }

  /** Resolves with the exit once the child ended, asserting it ended with code 0. */
  async exitedOk(): Promise<void> {
    const exit = await this.exit;
    assert.deepEqual(exit, { code: 0, signal: null }, `${this.name} did not exit cleanly:\n${this.stderr}`);
  }

  /** Graceful stop of a runner fixture (SIGTERM, which `run({ handleSignals: true })` handles). */
  async stop(): Promise<void> {
    this.child.kill("SIGTERM");
    await this.exitedOk();
  }

  private until<T>(found: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`${this.name}: no ${what} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const done = (error?: Error, value?: T) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (error) reject(error);
        else resolve(value!);
      };
      const check = () => {
        const value = found();
        if (value !== undefined) return done(undefined, value);
        if (this.exited) done(new Error(`${this.name} exited before printing ${what}:\n${this.stderr}`));
      };
      this.waiters.add(check);
      check();
    });
  }

  private changed(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** The children one test file starts; `cleanup()` after each test. */
export class Processes {
  private readonly workers = new Set<Worker>();

  /**
   * Starts `fixtures/<script>` with `env` on top of this process's environment (minus any TYNENC__
   * variable of this process, so only what the test gives applies).
   */
  start(script: string, env: Record<string, string | number>, name = script): Worker {
    const base = Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) => !key.startsWith("TYNENC__") && key !== "NODE_TEST_CONTEXT",
      ),
    );
    const vars = Object.fromEntries(Object.entries(env).map(([key, value]) => [key, String(value)]));
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL(script, FIXTURES))], {
      env: { ...base, ...vars, [OWNER_VARIABLE]: String(process.pid) },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const worker = new Worker(name, child);
    this.workers.add(worker);
    void worker.exit.then(() => this.workers.delete(worker));
    return worker;
  }

  /** Kills every child still alive (SIGKILL, and SIGCONT for a stopped one), then checks none is left. */
  async cleanup(): Promise<void> {
    const left = [...this.workers];
    for (const worker of left) {
      worker.child.kill("SIGKILL");
      worker.child.kill("SIGCONT");
    }
    await Promise.all(left.map((w) => w.exit));
    const survivors = startedHere().map((pid) => `${pid} ${commandOf(pid)}`);
    assert.deepEqual(survivors, [], "a process this test started outlived it");
  }
}

/** Set in every child's environment to this process's pid: finds them even once reparented. */
const OWNER_VARIABLE = "MP_OWNER_PID";

/** Live processes (not zombies) started by this process, or by one of them, as read from /proc. */
function startedHere(): number[] {
  const mark = `${OWNER_VARIABLE}=${process.pid}`;
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environment = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      if (environment.includes(mark) && procStat(Number(entry))?.[0] !== "Z") pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/** Not exited yet (a zombie its new parent has not reaped yet has exited), as /proc tells. */
export function alive(pid: number): boolean {
  const state = procStat(pid)?.[0];
  return state !== undefined && state !== "Z";
}

/** The fields of /proc/<pid>/stat after the command name: [state, ppid, ...]; undefined once gone. */
function procStat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return "(gone)";
  }
}

/** CPU time (user + system, ms) the process used so far. */
export function cpuTimeMs(pid: number): number {
  const fields = procStat(pid);
  if (!fields) throw new Error(`process ${pid} is gone`);
  // utime and stime are fields 14 and 15 of the stat line, 12 and 13 after the command name.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ, which is 100 on Linux everywhere that matters (`getconf CLK_TCK`). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Polls a state that other processes change (no event of this process tells us) until `check`
 * returns something other than undefined/false, and returns it.
 */
export async function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
