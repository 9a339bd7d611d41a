/**
 * The entry of a pool worker: a worker_thread of a MultiThreadRunner, or a child process of a
 * PersistentProcessRunner or ProcessRunner. It imports the module that exports the app, gives the app
 * the parent's settings, checks that every task of the parent exists here, and runs a ThreadRunner
 * under its own runner id until the parent says stop (or, for a child process, until the parent is
 * gone). A ProcessRunner child runs one invocation, in slots its parent lends it, then exits.
 */
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import type { Tynenc } from "../../app.js";
import { importModule } from "../../cli/load-app.js";
import type { ThreadRunner, TimedObserver } from "../thread-runner.js";
import { ChildLender } from "./child-lender.js";
import {
  POOL_WORKER_RUNNER,
  setPoolWorkerHook,
  type PoolWorkerApp,
  type PoolWorkerHook,
} from "./pool-worker.js";
import type { RunnerCls } from "../runner.js";
import { StopSignal } from "../stop-signal.js";
import type { FromWorker, ToWorker, WorkerInit } from "./protocol.js";

interface Channel {
  /** Resolves once the message is handed over (a child process must not exit before). */
  post(message: FromWorker): Promise<void>;
  on(listener: (message: ToWorker) => void): void;
}

function threadChannel(): Channel {
  const port = parentPort!;
  return {
    post: (message) => {
      port.postMessage(message);
      return Promise.resolve();
    },
    on: (listener) => port.on("message", listener),
  };
}

/**
 * A child process's channel. Its init is the first message; what follows may arrive in the same read,
 * before the worker listens, so it is kept until a listener is attached.
 */
function processChannel(): { channel: Channel; init: Promise<WorkerInit> } {
  let listener: ((message: ToWorker) => void) | undefined;
  const early: ToWorker[] = [];
  let gotInit: (init: WorkerInit) => void = () => {};
  const init = new Promise<WorkerInit>((resolve) => (gotInit = resolve));
  process.on("message", (message: ToWorker | { t: "init"; init: WorkerInit }) => {
    if (message.t === "init") gotInit(message.init);
    else if (listener) listener(message);
    else early.push(message);
  });
  const channel: Channel = {
    post: (message) =>
      new Promise((resolve) => {
        if (!process.connected) return resolve();
        process.send!(message, () => resolve());
      }),
    on: (onMessage) => {
      listener = onMessage;
      for (const message of early.splice(0)) onMessage(message);
    },
  };
  return { channel, init };
}

function isApp(value: unknown): value is Tynenc & PoolWorkerApp {
  const app = value as Partial<Tynenc & PoolWorkerApp> | null | undefined;
  return typeof app?.getInvocation === "function" && typeof app[POOL_WORKER_RUNNER] === "function";
}

/**
 * The app, with the parent's settings; throws a message naming the module and what is wrong. The app is
 * what the module exports, or the one whose runner it starts while it is imported (`adopted`: then the
 * import finishes only when the worker stops).
 */
async function loadApp(init: WorkerInit, adopted: Promise<unknown>): Promise<Tynenc & PoolWorkerApp> {
  const io = { cwd: process.cwd(), env: process.env, out: () => {}, err: () => {} };
  const imported = importModule(init.module, io).then(
    (mod) => mod["app"] ?? mod["default"],
    (error: unknown) => {
      throw new Error(`the worker could not import ${init.module}: ${(error as Error).message}`);
    },
  );
  const app = await Promise.race([imported, adopted]);
  if (!isApp(app)) {
    throw new Error(
      `${init.module} must export \`app\` (or a default export) that is a tynenc app: the pool's workers load the app from it`,
    );
  }
  for (const [field, value] of Object.entries(init.config)) {
    if (field === "runnerCls" || (app.conf as unknown as Record<string, unknown>)[field] === value) continue;
    app.conf.set(field as never, value as never);
  }
  const missing = init.tasks.filter((id) => !hasTask(app, id));
  if (missing.length > 0) {
    throw new Error(
      `task${missing.length > 1 ? "s" : ""} ${missing.map((id) => `"${id}"`).join(", ")} of the parent's app ${missing.length > 1 ? "are" : "is"} not registered by the app that ${init.module} exports in this worker: register every task when the module is imported, not conditionally or later`,
    );
  }
  return app;
}

function hasTask(app: Tynenc, id: string): boolean {
  try {
    app.getTask(id);
    return true;
  } catch {
    return false;
  }
}

/** One worker: its app, its runner, and how it stops. */
class PoolWorkerMain implements PoolWorkerHook {
  private runner: ThreadRunner | undefined;
  private app: (Tynenc & PoolWorkerApp) | undefined;
  private lender: ChildLender | undefined;
  private stopping: Promise<void> | undefined;
  /** The module started its app's runner while imported: that app is the worker's. */
  private adoptApp: ((app: unknown) => void) | undefined;
  private readonly adopted = new Promise<unknown>((resolve) => (this.adoptApp = resolve));
  private readonly stopped = new StopSignal();

  constructor(
    private readonly init: WorkerInit,
    private readonly channel: Channel,
  ) {
    setPoolWorkerHook(this);
  }

  get runnerId(): string {
    return this.init.runnerId;
  }

  get cls(): RunnerCls {
    return this.init.cls;
  }

  get running(): boolean {
    return this.runner?.running ?? false;
  }

  /** The module started `app`'s runner while imported (PoolWorkerHook). */
  adopt(app: unknown): Promise<void> {
    this.adoptApp?.(app);
    this.adoptApp = undefined;
    return this.stopped.promise;
  }

  async start(): Promise<void> {
    const { init, channel } = this;
    channel.on((message) => this.onMessage(message));
    try {
      this.app = await loadApp(init, this.adopted);
    } catch (error) {
      await channel.post({ t: "failed", message: (error as Error).message });
      return this.exit();
    }
    const timed: TimedObserver = {
      started: (id, taskId, timeoutMs) => void channel.post({ t: "timed", id, taskId, timeoutMs }),
      ended: (id) => void channel.post({ t: "untimed", id }),
    };
    const post = (message: FromWorker) => void channel.post(message);
    this.lender = init.lent ? new ChildLender(post, () => this.done()) : undefined;
    const options = { id: init.runnerId, cls: init.cls, lender: this.lender, timed, pooled: true };
    const runner = (this.runner = this.app[POOL_WORKER_RUNNER](options));
    const loop = runner.run();
    void channel.post({ t: "ready", pid: process.pid });
    try {
      await loop;
    } catch (error) {
      await channel.post({ t: "failed", message: (error as Error).message });
      await this.exit();
    } finally {
      this.stopped.resolve();
    }
  }

  private onMessage(message: ToWorker): void {
    if (message.t === "ping") void this.channel.post({ t: "pong" });
    else if (message.t === "stop") void this.stop(message.graceMs);
    else if (message.t === "stopNow") this.runner?.endGrace();
    else if (message.t === "grant") this.lender?.grant(message.claim);
  }

  /** A ProcessRunner child's invocation is done: it says so, and exits. */
  private done(): void {
    void this.channel.post({ t: "done" }).then(() => this.stop(0));
  }

  /** Stop the runner within `graceMs` (the app's stopGraceMs by default), then exit. */
  stop(graceMs = this.app?.conf.stopGraceMs ?? 0): Promise<void> {
    const runner = this.runner;
    if (!runner) return this.exit();
    this.app?.conf.set("stopGraceMs", graceMs);
    return (this.stopping ??= runner.stop().then(() => this.exit()));
  }

  /** The parent is gone: stop at once. */
  orphaned(): void {
    this.runner?.endGrace();
    void this.stop(0);
  }

  private async exit(): Promise<void> {
    try {
      await this.app?.close(); // commits what the stop recorded
    } finally {
      process.exit(0);
    }
  }
}

async function main(): Promise<void> {
  const inThread = !isMainThread;
  const child = inThread ? undefined : processChannel();
  const init = child ? await child.init : (workerData as WorkerInit);
  const worker = new PoolWorkerMain(init, child ? child.channel : threadChannel());
  if (!inThread) {
    // The parent decides when its children stop: a terminal's Ctrl-C reaches the whole process group.
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => {});
    // The parent is gone (killed, even with SIGKILL): stop at once, rerouting what runs, and exit.
    process.on("disconnect", () => worker.orphaned());
    process.on("uncaughtException", (error) => {
      const message = `threw an uncaught exception: ${error.name}: ${error.message}`;
      process.stderr.write(`tynenc pool worker ${init.runnerId}: ${error.stack ?? message}\n`);
      if (process.connected)
        process.send!({ t: "fatal", message } satisfies FromWorker, () => process.exit(1));
      else process.exit(1);
    });
  }
  await worker.start();
}

void main();
