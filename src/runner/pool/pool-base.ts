/**
 * What the three pool runners share: workers (threads or child processes) started from the app
 * module, each a ThreadRunner under its own runner id; a dead worker's invocations settled at once
 * (dead-worker.ts) and the worker replaced; a worker stuck in synchronous code past a timeoutMs
 * terminated; a stop that reaches every worker within stopGraceMs; start-up failures that end run()
 * with the worker's reason.
 */
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { RunnerError } from "../../errors/errors.js";
import type { Logger } from "../../logging/index.js";
import { newId } from "../../util/ids.js";
import { handleStopSignals, keepProcessAlive } from "../process-lifetime.js";
import type { Runner, RunnerCls, RunOptions } from "../runner.js";
import { StopSignal } from "../stop-signal.js";
import { settleDeadWorker } from "./dead-worker.js";
import type { PoolHost } from "./pool-host.js";
import type { FromWorker } from "./protocol.js";
import { spawnWorker, type WorkerExit, type WorkerHandle, type WorkerKind } from "./worker-handle.js";

/** How long a worker past its invocation's timeoutMs has to answer a ping before it counts as stuck. */
const PING_ANSWER_MS = 1000;
/** After the grace period, how long workers have to record their stop and exit before they are terminated. */
const EXIT_MARGIN_MS = 5000;
/** A worker that dies sooner than this after its start counts towards the crash-loop backoff. */
const SHORT_LIFE_MS = 5000;

/** One worker of the pool, as the pool sees it. */
export class PoolWorker {
  ready = false;
  /** Ended by a stop before it said it was ready (its "ready" may still be on its way). */
  endedUnstarted = false;
  /** The pool asked it to stop (or it said it is done): its exit is no crash. */
  stopping = false;
  /** Invocations with a timeoutMs running in it, and their watch timers. */
  readonly timed = new Map<string, { taskId: string; timeoutMs: number; timer: NodeJS.Timeout }>();
  /** Set when the pool terminated it for being stuck in this invocation. */
  stuck: { id: string; timeoutMs: number } | undefined;
  readonly startedAt = Date.now();

  constructor(
    readonly runnerId: string,
    readonly handle: WorkerHandle,
  ) {}
}

export abstract class PoolBase implements Runner {
  readonly id = newId();
  abstract readonly cls: RunnerCls;
  protected readonly logger: Logger;
  protected phase: "idle" | "running" | "stopping" = "idle";
  protected readonly workers = new Map<string, PoolWorker>();
  private module: string | undefined;
  private stopped: StopSignal | undefined;
  private failure: Error | undefined;
  private anyReady = false;
  private shortLives = 0;
  private readonly respawns = new Set<NodeJS.Timeout>();
  private releaseProcess: (() => void)[] = [];
  /** Per worker, what its next pong settles (one per invocation being checked). */
  private readonly pongs = new Map<string, Set<() => void>>();

  constructor(
    protected readonly host: PoolHost,
    private readonly kind: WorkerKind,
  ) {
    this.logger = host.logger.child({ runner: this.id });
  }

  get running(): boolean {
    return this.phase !== "idle";
  }

  /** Spawn the first workers. */
  protected abstract started(): void;
  /** A worker said it is ready. */
  protected abstract onReady(worker: PoolWorker): void;
  /** A message only this pool understands (ProcessRunner's slot lending). */
  protected onWorkerMessage(_worker: PoolWorker, _message: FromWorker): void {}
  /** Start a worker in place of one that died. */
  protected abstract respawn(): void;
  /** A worker is gone (and, if it crashed, what it owned is settled): replace it, free its slot... */
  protected abstract onGone(worker: PoolWorker, exit: WorkerExit): void;

  async run(options: RunOptions = {}): Promise<void> {
    if (this.phase !== "idle") {
      throw new RunnerError(`Runner ${this.id} is already running; call stop() before running it again`);
    }
    this.module = moduleOf(this.cls, options.module);
    this.failure = undefined;
    this.anyReady = false;
    this.phase = "running";
    const stopped = (this.stopped = new StopSignal());
    this.releaseProcess.push(keepProcessAlive());
    if (options.handleSignals) {
      const stopNow = () => this.stopNow();
      this.releaseProcess.push(handleStopSignals(this.logger, { stop: () => this.stop(), stopNow }));
    }
    this.logger.info(
      `Starting ${this.cls} (${this.describe()}) for app ${this.host.appId}, loading the app from ${this.module}`,
    );
    this.host.events.emit("runner:started", { runnerId: this.id, cls: this.cls, slots: this.totalSlots() });
    this.started();
    await stopped.promise;
    const failure = this.failure as Error | undefined; // set by fail() meanwhile
    if (failure) throw failure;
  }

  /** "2 worker threads x 1 slot" and the like, for the start-up line. */
  protected abstract describe(): string;
  protected abstract totalSlots(): number;

  async stop(): Promise<void> {
    if (this.phase !== "running") return this.stopped?.promise;
    this.phase = "stopping";
    this.beforeStop();
    for (const timer of this.respawns) clearTimeout(timer);
    this.respawns.clear();
    const graceMs = this.host.stopGraceMs();
    for (const worker of this.workers.values()) {
      worker.stopping = true;
      // One still starting owns nothing yet: no need to wait for its start to stop it (should it have
      // claimed meanwhile, its end is settled as a stop would).
      if (!worker.ready) {
        worker.endedUnstarted = true;
        void worker.handle.terminate();
      } else worker.handle.post({ t: "stop", graceMs });
    }
    const all = [...this.workers.values()].map((worker) => this.gone(worker));
    // At the end of the grace period a worker is recording its kills: one that does not even answer a
    // ping is stuck in synchronous code, and is terminated; any still there a while later too.
    const graceOver = setTimeout(() => {
      for (const worker of this.workers.values()) {
        void this.unlessAnswers(worker, () => {
          this.logger.warn(
            `Worker ${worker.runnerId} (${worker.handle.label}) did not stop within stopGraceMs ${graceMs} ms and does not answer (stuck in synchronous code): terminating it`,
          );
          void worker.handle.terminate();
        });
      }
    }, graceMs);
    const late = setTimeout(() => {
      for (const worker of this.workers.values()) {
        this.logger.warn(
          `Worker ${worker.runnerId} (${worker.handle.label}) did not stop within stopGraceMs ${graceMs} ms + ${EXIT_MARGIN_MS} ms: terminating it`,
        );
        void worker.handle.terminate();
      }
    }, graceMs + EXIT_MARGIN_MS);
    await Promise.all(all);
    clearTimeout(graceOver);
    clearTimeout(late);
    for (const release of this.releaseProcess.splice(0)) release();
    this.phase = "idle";
    this.logger.debug("Stopped");
    this.host.events.emit("runner:stopped", { runnerId: this.id, cls: this.cls });
    this.stopped?.resolve();
  }

  /** Cut the grace period of a stop short in every worker. */
  stopNow(): void {
    for (const worker of this.workers.values()) worker.handle.post({ t: "stopNow" });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** Called when a stop begins, before the workers are told. */
  protected beforeStop(): void {}

  /** Start a worker; `lent` makes it a ProcessRunner child. */
  protected spawn(lent: boolean): PoolWorker {
    const runnerId = newId();
    const handle = spawnWorker(
      this.kind,
      {
        module: this.module!,
        runnerId,
        cls: this.cls,
        config: this.host.configValues(),
        tasks: this.host.taskIds(),
        lent,
      },
      { maxOldSpaceMb: this.host.workerMaxOldSpaceMb() },
    );
    const worker = new PoolWorker(runnerId, handle);
    this.workers.set(runnerId, worker);
    handle.onMessage((message) => this.onMessage(worker, message));
    void handle.exited.then((exit) => this.onExit(worker, exit));
    if (this.logger.isEnabled("debug")) this.logger.debug(`Started worker ${runnerId} (${handle.label})`);
    return worker;
  }

  /** Resolves once the worker is gone and settled. */
  private readonly goneSignals = new Map<string, StopSignal>();
  private gone(worker: PoolWorker): Promise<void> {
    if (!this.workers.has(worker.runnerId)) return Promise.resolve();
    let signal = this.goneSignals.get(worker.runnerId);
    if (!signal) this.goneSignals.set(worker.runnerId, (signal = new StopSignal()));
    return signal.promise;
  }

  private onMessage(worker: PoolWorker, message: FromWorker): void {
    switch (message.t) {
      case "ready":
        if (worker.endedUnstarted) return;
        worker.ready = this.anyReady = true;
        if (worker.stopping) worker.handle.post({ t: "stop", graceMs: this.host.stopGraceMs() });
        else this.onReady(worker);
        return;
      case "failed":
        worker.stopping = true;
        this.fail(new RunnerError(`${this.cls} could not start a worker: ${message.message}`));
        return;
      case "timed":
        this.watch(worker, message.id, message.taskId, message.timeoutMs);
        return;
      case "untimed": {
        const watched = worker.timed.get(message.id);
        if (watched) clearTimeout(watched.timer);
        worker.timed.delete(message.id);
        return;
      }
      case "pong":
        for (const answered of this.pongs.get(worker.runnerId)?.values() ?? []) answered();
        this.pongs.delete(worker.runnerId);
        return;
      case "fatal":
        return; // the handle keeps it as the exit cause
      case "done":
        worker.stopping = true; // a ProcessRunner child whose invocation is done: its exit is no crash
        return;
      default:
        this.onWorkerMessage(worker, message);
    }
  }

  /** Start-up failed: every worker would fail the same way, so the pool stops and run() rejects. */
  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.logger.error(error.message);
    void this.stop();
  }

  /**
   * An invocation with a timeoutMs started in `worker`. The worker's own timer ends it on time while
   * its event loop is free; past the timeout plus a margin, the pool pings it, and a worker that does
   * not answer is stuck in synchronous code: it is terminated and the invocation ends TIMED_OUT.
   */
  private watch(worker: PoolWorker, id: string, taskId: string, timeoutMs: number): void {
    const check = () => {
      if (!worker.timed.has(id) || worker.stuck || !this.workers.has(worker.runnerId)) return;
      const answered = this.unlessAnswers(worker, () => {
        if (!worker.timed.has(id) || worker.stuck) return;
        this.logger.warn(
          `Worker ${worker.runnerId} (${worker.handle.label}) is stuck in synchronous code: invocation ${id} (task "${taskId}") is past its timeoutMs ${timeoutMs} ms and the worker does not answer; terminating the worker`,
        );
        worker.stuck = { id, timeoutMs };
        void worker.handle.terminate();
      });
      void answered.then(() => {
        const watched = worker.timed.get(id);
        if (watched) watched.timer = setTimeout(check, PING_ANSWER_MS); // alive: its own timer acts
      });
    };
    worker.timed.set(id, { taskId, timeoutMs, timer: setTimeout(check, timeoutMs + 250) });
  }

  /**
   * Ping `worker`: `silent` runs if it does not answer within PING_ANSWER_MS (its event loop is blocked).
   * Resolves when it answers (never, if it does not).
   */
  private unlessAnswers(worker: PoolWorker, silent: () => void): Promise<void> {
    return new Promise((resolve) => {
      const onPong = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.pongs.get(worker.runnerId)?.delete(onPong);
        silent();
      }, PING_ANSWER_MS);
      let waiting = this.pongs.get(worker.runnerId);
      if (!waiting) this.pongs.set(worker.runnerId, (waiting = new Set()));
      waiting.add(onPong);
      worker.handle.post({ t: "ping" });
    });
  }

  private async onExit(worker: PoolWorker, exit: WorkerExit): Promise<void> {
    for (const { timer } of worker.timed.values()) clearTimeout(timer);
    worker.timed.clear();
    this.pongs.delete(worker.runnerId);
    const crashed = !exit.expected || !worker.stopping;
    if (crashed) {
      const cause = worker.stuck
        ? `was terminated by its pool: stuck in synchronous code past invocation ${worker.stuck.id}'s timeoutMs`
        : exit.cause;
      if (!worker.ready && !this.anyReady && !worker.stopping) {
        this.fail(
          new RunnerError(`${this.cls} could not start a worker: its ${worker.handle.label} ${cause}`),
        );
      } else if (worker.endedUnstarted) {
        this.logger.debug(`Worker ${worker.runnerId} (${worker.handle.label}) ended before it started`);
      } else {
        this.logger.error(`Worker ${worker.runnerId} (${worker.handle.label}) ${cause}`);
      }
      const report = await settleDeadWorker(this.host, this.id, {
        runnerId: worker.runnerId,
        label: worker.handle.label,
        cause,
        stuck: worker.stuck,
        stopping: this.phase === "stopping" && worker.stopping,
      });
      const counts = Object.entries(report)
        .filter(([, ids]) => (ids as string[]).length > 0)
        .map(([what, ids]) => `${(ids as string[]).length} ${what}`);
      if (counts.length > 0) {
        // A few ids of each kind: a worker may leave hundreds of paused invocations.
        const some = Object.fromEntries(
          Object.entries(report).map(([what, ids]) => [what, (ids as string[]).slice(0, 5)]),
        );
        this.logger.warn(`What worker ${worker.runnerId} left: ${counts.join(", ")}`, some);
      }
    }
    this.workers.delete(worker.runnerId);
    this.onGone(worker, exit);
    const signal = this.goneSignals.get(worker.runnerId);
    this.goneSignals.delete(worker.runnerId);
    signal?.resolve();
  }

  /** Replace a worker that died while the pool runs; a crash loop backs off (250 ms doubling to 10 s). */
  protected replace(worker: PoolWorker): void {
    if (this.phase !== "running") return;
    const shortLife = Date.now() - worker.startedAt < SHORT_LIFE_MS;
    this.shortLives = shortLife ? this.shortLives + 1 : 0;
    const delay = this.shortLives > 1 ? Math.min(10_000, 250 * 2 ** (this.shortLives - 2)) : 0;
    if (delay === 0) {
      this.respawn();
      return;
    }
    this.logger.warn(`Workers keep dying soon after they start: the next one starts in ${delay} ms`);
    const timer = setTimeout(() => {
      this.respawns.delete(timer);
      if (this.phase === "running") this.respawn();
    }, delay);
    this.respawns.add(timer);
  }
}

/** The app module's absolute path, from `run({ module })` (a path or a file URL). */
function moduleOf(cls: string, module: string | URL | undefined): string {
  if (module === undefined || module === "") {
    throw new RunnerError(
      `${cls} starts workers that load the app from its module, and none was given: call app.runner.run({ module: import.meta.url }) in the module that exports the app (or start it with tynenc runner start --app <module> --runner ${cls})`,
    );
  }
  const text = module instanceof URL ? module.href : module;
  const path = text.startsWith("file:") ? fileURLToPath(text) : text;
  return isAbsolute(path) ? path : resolve(path);
}
