import type { HistoryEntry, Invocation, InvocationStatus, Tynenc } from "../../src/index.js";
import { waitUntil } from "../../src/testing/index.js";
import { captureLogger, testApp, type CapturedLine } from "../helpers.js";
import { checkRound } from "./round-checks.js";
import { RoundLog } from "./round-log.js";
import { Rng } from "./random.js";
import { registerStressTasks } from "./stress-tasks.js";
import { randomTree, treeSize } from "./tree.js";

/** Which disturbances rounds may draw; each can be switched off by its environment variable. */
export interface StressFeatures {
  readonly memo: boolean;
  readonly innerCancels: boolean;
  readonly listenerCancels: boolean;
  readonly programCancels: boolean;
  readonly stopCycles: boolean;
  readonly retention: boolean;
  /** Check that a cancel() that resolved true ends the invocation CANCELLED. */
  readonly strictCancel: boolean;
}

/** The result of one round: empty `problems` means every invariant held. */
export interface RoundReport {
  readonly seed: number;
  readonly summary: string;
  readonly problems: readonly string[];
}

const LISTENER_STATUSES: readonly InvocationStatus[] = [
  "REGISTERED",
  "PENDING",
  "RUNNING",
  "PAUSED",
  "RESUMED",
];
const BOUND_MS = 10_000;

/** Resolves with `promise`, or rejects naming `what` after `ms` (a bound, not a sleep). */
export async function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A logged error that is not the report of an invocation's own end (failures and timeouts are drawn
 * on purpose here), or a takeover warning, which only a race in the engine produces.
 */
function engineTrouble(line: CapturedLine): boolean {
  if (/taken over/i.test(line.msg)) return true;
  return line.level === "error" && !/^(FAILED|TIMED_OUT|CANCELLED)\b/.test(line.msg);
}

/** Draws a round from `seed`, runs it, stops the runner and checks every invariant. */
export async function runRound(seed: number, features: StressFeatures): Promise<RoundReport> {
  const rng = new Rng(seed);
  const slots = rng.int(1, 3);
  const stopCycles = features.stopCycles && rng.chance(0.25);
  const retention = features.retention && rng.chance(0.25);
  const log = new RoundLog();
  const logger = captureLogger();
  // TYNENC_STRESS_DEBUG=1: the runner's debug lines join the round's events, for a failure report.
  const debug = /^(1|true|on|yes)$/i.test(process.env.TYNENC_STRESS_DEBUG ?? "");
  if (debug) {
    for (const level of ["debug", "info", "warn", "error"] as const) {
      const push = logger[level].bind(logger);
      logger[level] = (msg: string, fields?: unknown) => {
        const f = (fields ?? {}) as Record<string, unknown>;
        const id = typeof f.invocation === "string" ? ` ${f.invocation.slice(-8)}` : "";
        log.events.push(`   [${level}]${id} ${msg}`);
        push(msg, fields);
      };
    }
  }
  const app = testApp({
    ...(debug && { loggingLevel: "debug" as const }),
    maxParallelSlots: slots,
    stopGraceMs: rng.int(0, 10),
    logger,
    ...(retention && { retentionMaxFinished: rng.int(1, 4), retentionMs: rng.int(0, 5) }),
  });
  const tasks = registerStressTasks(app, log, rng, retention);
  const trees = Array.from({ length: rng.chance(0.3) ? 2 : 1 }, () => randomTree(rng, features, 10));
  const snapshots = new Map<string, HistoryEntry[]>();
  const driver = new Driver(app, log, rng, features, { stopCycles, retention, snapshots });
  const summary =
    `slots ${slots}, ${trees.map((tree) => treeSize(tree)).join("+")} nodes` +
    `${stopCycles ? ", stop cycles" : ""}${retention ? ", retention" : ""}`;
  try {
    const roots = trees.map((tree) => {
      const root = tasks[tree.task](tree);
      log.called(undefined, root, tree);
      return root;
    });
    await driver.settle(roots);
  } catch (error) {
    log.problem(String(error));
  } finally {
    driver.unsubscribe();
  }
  const problems = log.problems.length
    ? log.problems
    : await bounded(
        checkRound(app, log, slots, retention, snapshots, features.strictCancel),
        BOUND_MS,
        "the checks",
      ).catch((error: unknown) => [String(error)]);
  problems.push(...logger.lines.filter(engineTrouble).map((line) => `logged: ${line.msg}`));
  await bounded(app.close(), BOUND_MS, "app.close()").catch((error: unknown) => problems.push(String(error)));
  if (!problems.length) return { seed, summary, problems: [] };
  // Under TYNENC_STRESS_DEBUG the events carry the runner's debug lines: every failure shows them.
  const events = debug && !problems.some((p) => p.includes("--- events:")) ? [log.describeEvents()] : [];
  return { seed, summary, problems: [...problems, log.describe(), ...events] };
}

interface DriverOptions {
  readonly stopCycles: boolean;
  readonly retention: boolean;
  readonly snapshots: Map<string, HistoryEntry[]>;
}

/**
 * Runs the runner and, keyed to the count of status events (so a seed replays the same plan), cancels
 * from the program and from the status listener, stop()/run() cycles and retention purges.
 */
class Driver {
  private loop: Promise<void>;
  private restarting: Promise<void> = Promise.resolve();
  private events = 0;
  private readonly perStatus = new Map<InvocationStatus, number>();
  private readonly programCancels = new Map<number, number>();
  private readonly listenerCancels: { status: InvocationStatus; nth: number; pick: number | "self" }[] = [];
  private readonly restarts = new Set<number>();
  private readonly purgeEvery: number;
  private winding = false;
  readonly unsubscribe: () => void;

  constructor(
    private readonly app: Tynenc,
    private readonly log: RoundLog,
    rng: Rng,
    features: StressFeatures,
    private readonly options: DriverOptions,
  ) {
    const count = (on: boolean, max: number) => (on ? rng.int(0, max) : 0);
    for (let i = count(features.programCancels, 3); i > 0; i--)
      this.programCancels.set(rng.int(1, 80), rng.int(0, 40));
    for (let i = count(features.listenerCancels, 3); i > 0; i--) {
      const pick = rng.chance(0.5) ? ("self" as const) : rng.int(0, 40);
      this.listenerCancels.push({ status: rng.pick(LISTENER_STATUSES), nth: rng.int(0, 6), pick });
    }
    for (let i = count(options.stopCycles, 2) + (options.stopCycles ? 1 : 0); i > 0; i--)
      this.restarts.add(rng.int(1, 80));
    this.purgeEvery = options.retention ? rng.int(2, 8) : 0;
    this.unsubscribe = app.events.on("invocation:status", ({ invocationId, status }) =>
      this.onStatus(invocationId, status),
    );
    this.loop = app.runner.run();
  }

  /** Waits for the roots, then for every invocation to be final, then stops the runner. */
  async settle(roots: readonly Invocation<number>[]): Promise<void> {
    await bounded(Promise.allSettled(roots.map((root) => root.result)), BOUND_MS, "the roots settling");
    for (;;) {
      await waitUntil(this.app, () => this.log.allFinal(), "every invocation final", { timeoutMs: BOUND_MS });
      // A finished parent's last calls may still be being registered: getInvocation waits for them.
      const known = this.log.order.length;
      await this.app.getInvocation(roots[0]!.id).catch(() => undefined);
      if (this.log.order.length === known && this.log.allFinal()) break;
    }
    this.winding = true;
    await bounded(this.restarting, BOUND_MS, "a stop()/run() cycle");
    await bounded(this.app.runner.stop(), BOUND_MS, "the final stop()");
    await bounded(this.loop, BOUND_MS, "the runner loop ending");
  }

  private onStatus(id: string, status: InvocationStatus): void {
    this.log.status(id, status);
    const n = ++this.events;
    if (this.log.isFinal(id)) this.snapshot(id);
    const target = this.programCancels.get(n);
    if (target !== undefined) setImmediate(() => void this.cancel(this.nth(target), "the program"));
    const seen = (this.perStatus.get(status) ?? 0) + 1;
    this.perStatus.set(status, seen);
    for (const plan of this.listenerCancels) {
      if (plan.status === status && plan.nth === seen - 1)
        void this.cancel(plan.pick === "self" ? id : this.nth(plan.pick), `a ${status} listener`);
    }
    if (this.restarts.has(n) && !this.winding)
      this.restarting = this.restarting
        .then(() => this.restart())
        .catch((error: unknown) => this.log.problem(`stop()/run() cycle threw ${String(error)}`));
    if (this.purgeEvery && n % this.purgeEvery === 0) void this.purge();
  }

  private nth(pick: number): string {
    return this.log.order[pick % this.log.order.length]!;
  }

  private async cancel(id: string, from: string): Promise<void> {
    try {
      const handle = this.log.handles.get(id) ?? (await this.app.getInvocation<number>(id));
      if (await handle.cancel()) this.log.cancelledTrue.set(id, from);
    } catch (error) {
      if (this.options.retention && /purged|retention/i.test(String(error))) return;
      this.log.problem(`cancel of ${id} from ${from} threw ${String(error)}`);
    }
  }

  private async restart(): Promise<void> {
    if (this.winding) return;
    this.log.mark("stop()");
    await this.app.runner.stop();
    await this.loop;
    this.log.mark("stopped; run()");
    this.loop = this.app.runner.run();
  }

  private async purge(): Promise<void> {
    try {
      await this.app.orchestrator.purgeFinished();
    } catch (error) {
      this.log.problem(`purgeFinished threw ${String(error)}`);
    }
  }

  /** A final invocation's history, kept in case retention purges it before the checks. */
  private snapshot(id: string): void {
    Promise.resolve(this.app.orchestrator.history(id)).then(
      (history) => this.options.snapshots.set(id, history),
      () => undefined,
    );
  }
}
