/**
 * One worker of a pool, a worker_thread or a child process, behind one interface: post messages, hear
 * its messages, learn once how it ended (and why, in words a user can act on), terminate it.
 */
import { fork, type ChildProcess } from "node:child_process";
import { Worker } from "node:worker_threads";
import type { FromWorker, ToWorker, WorkerInit } from "./protocol.js";

export type WorkerKind = "thread" | "process";

/** How a worker ended. `expected` is set when it exited 0 (after a stop, or a ProcessRunner child's end). */
export interface WorkerExit {
  readonly expected: boolean;
  /** Why, for errors and logs: "called process.exit(3)", "uncaught exception: Error: boom", ... */
  readonly cause: string;
}

export interface WorkerHandle {
  readonly kind: WorkerKind;
  readonly init: WorkerInit;
  /** "thread 3" or "process 4711". */
  readonly label: string;
  post(message: ToWorker): void;
  onMessage(listener: (message: FromWorker) => void): void;
  /** Settles once, when the worker is gone. */
  readonly exited: Promise<WorkerExit>;
  /** Ends it now (SIGKILL for a process) and waits until it is gone. */
  terminate(): Promise<WorkerExit>;
}

export interface SpawnOptions {
  /** Old-generation heap limit in MB (0: Node's default). */
  readonly maxOldSpaceMb: number;
}

/** worker-main's module: the compiled .js next to this file, or the .ts source when tynenc runs from source. */
const fromSource = import.meta.url.endsWith(".ts");
const entry = new URL(`./worker-main.${fromSource ? "ts" : "js"}`, import.meta.url);

export function spawnWorker(kind: WorkerKind, init: WorkerInit, options: SpawnOptions): WorkerHandle {
  return kind === "thread" ? new ThreadWorker(init, options) : new ProcessWorker(init, options);
}

/** tsx's loader, for running worker-main from source (tynenc's own tests and samples). */
function tsxLoader(subpath: "" | "/esm/api"): string {
  return import.meta.resolve(`tsx${subpath}`);
}

/** A fatal error in words: its name and message, or what was thrown. */
function describeThrown(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (code === "ERR_WORKER_OUT_OF_MEMORY") return "ran out of memory (ERR_WORKER_OUT_OF_MEMORY)";
    return `threw an uncaught exception: ${error.name}: ${error.message}`;
  }
  return `threw an uncaught exception: ${String(error)}`;
}

class ThreadWorker implements WorkerHandle {
  readonly kind = "thread" as const;
  readonly label: string;
  readonly exited: Promise<WorkerExit>;
  private readonly worker: Worker;
  private fatal: string | undefined;
  private terminating = false;

  constructor(
    readonly init: WorkerInit,
    options: SpawnOptions,
  ) {
    const resourceLimits =
      options.maxOldSpaceMb > 0 ? { maxOldGenerationSizeMb: options.maxOldSpaceMb } : undefined;
    // Node 20 does not pass --import to workers: from source, the worker registers tsx itself first.
    this.worker = fromSource
      ? new Worker(
          `import(${JSON.stringify(tsxLoader("/esm/api"))}).then((m) => m.register()).then(() => import(${JSON.stringify(entry.href)}))`,
          { eval: true, workerData: init, resourceLimits },
        )
      : new Worker(entry, { workerData: init, resourceLimits });
    this.label = `thread ${this.worker.threadId}`;
    this.worker.on("error", (error) => (this.fatal ??= describeThrown(error)));
    this.exited = new Promise((resolve) => {
      this.worker.once("exit", (code) => resolve(exitOf(this.terminating, this.fatal, code, null)));
    });
  }

  post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  onMessage(listener: (message: FromWorker) => void): void {
    this.worker.on("message", listener);
  }

  async terminate(): Promise<WorkerExit> {
    this.terminating = true;
    await this.worker.terminate();
    return this.exited;
  }
}

class ProcessWorker implements WorkerHandle {
  readonly kind = "process" as const;
  readonly label: string;
  readonly exited: Promise<WorkerExit>;
  private readonly child: ChildProcess;
  private fatal: string | undefined;
  private terminating = false;

  constructor(
    readonly init: WorkerInit,
    options: SpawnOptions,
  ) {
    const execArgv = process.execArgv.filter((arg) => !arg.startsWith("--max-old-space-size"));
    if (options.maxOldSpaceMb > 0) execArgv.push(`--max-old-space-size=${options.maxOldSpaceMb}`);
    if (fromSource && !execArgv.some((arg) => arg.includes("tsx"))) execArgv.push("--import", tsxLoader(""));
    // Its own process group would keep a terminal's Ctrl-C off it, but then nothing would end it with its
    // parent: it stays in the group, ignores the signals, and follows its parent (worker-main.ts).
    this.child = fork(entry, [], { execArgv, serialization: "advanced", stdio: "inherit" });
    this.label = `process ${this.child.pid ?? "?"}`;
    // A send racing the child's exit fails with EPIPE: the exit event says how it ended, not that.
    this.child.on("error", (error) => {
      if (this.child.pid === undefined) this.fatal ??= `could not be started: ${error.message}`;
    });
    this.child.on("message", (message: FromWorker) => {
      if (message.t === "fatal") this.fatal ??= message.message;
    });
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => resolve(exitOf(this.terminating, this.fatal, code, signal)));
    });
    this.child.send({ t: "init", init });
  }

  post(message: ToWorker): void {
    if (this.child.connected) this.child.send(message, () => {}); // a failure shows as its exit
  }

  onMessage(listener: (message: FromWorker) => void): void {
    this.child.on("message", listener);
  }

  async terminate(): Promise<WorkerExit> {
    this.terminating = true;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    return this.exited;
  }
}

/** How a worker ended, from what its handle saw. */
function exitOf(
  terminated: boolean,
  fatal: string | undefined,
  code: number | null,
  signal: NodeJS.Signals | null,
): WorkerExit {
  if (terminated) return { expected: false, cause: "was terminated by its pool" };
  if (fatal) return { expected: false, cause: fatal };
  if (code === 0) return { expected: true, cause: "exited on its own (code 0) without being asked to stop" };
  if (signal) return { expected: false, cause: signalCause(signal) };
  return { expected: false, cause: `called process.exit(${code})` };
}

function signalCause(signal: NodeJS.Signals): string {
  if (signal === "SIGABRT" || signal === "SIGTRAP")
    return `was killed by ${signal} (out of memory, or a native crash)`;
  if (signal === "SIGSEGV" || signal === "SIGBUS" || signal === "SIGILL")
    return `was killed by ${signal} (a native crash)`;
  return `was killed by ${signal}`;
}
