import type { Unsubscribe } from "../../orchestrator/notifier.js";
import { RunnerCls } from "../runner.js";
import { PoolBase, type PoolWorker } from "./pool-base.js";
import type { PoolHost } from "./pool-host.js";
import type { FromWorker } from "./protocol.js";
import type { WorkerExit } from "./worker-handle.js";

/** Children started ahead, loaded and idle, so a new invocation does not wait for a process start. */
const SPARES = 2;

/**
 * A child process per invocation: isolation over speed. At most `maxParallelSlots` invocations are
 * RUNNING at once across the children. The parent lends slots: a spare child (started ahead, its app
 * loaded) gets a slot to claim one invocation; a child whose invocation pauses gives its slot back and
 * keeps its process; when the invocation resumes the child asks again, and the next free slot goes to
 * resumed children before new work. A child exits when its invocation is done.
 */
export class ProcessRunner extends PoolBase {
  readonly cls = RunnerCls.ProcessRunner;
  private lent = 0;
  /** Children waiting for a slot to resume in, oldest request first. */
  private readonly wants: PoolWorker[] = [];
  /** Ready children with nothing claimed yet. */
  private readonly spares: PoolWorker[] = [];
  /** Children holding a lent slot. */
  private readonly holders = new Set<PoolWorker>();
  /** Children started and not ready yet, that will become spares. */
  private starting = 0;
  /** Bumped at every "new work" notice; a claim that found nothing marks the epoch it saw as empty. */
  private workEpoch = 0;
  private emptyAt = -1;
  private readonly claimEpoch = new Map<PoolWorker, number>();
  private unsubscribeWork: Unsubscribe | undefined;
  /** Children in a row that died before they were ready (a crash loop at start-up backs off). */
  private startFailures = 0;
  private spareTimer: NodeJS.Timeout | undefined;

  constructor(host: PoolHost) {
    super(host, "process");
  }

  protected describe(): string {
    return `a child process per invocation, ${this.host.maxParallelSlots()} slot(s)`;
  }

  protected totalSlots(): number {
    return this.host.maxParallelSlots();
  }

  protected started(): void {
    this.lent = 0;
    this.emptyAt = -1;
    this.startFailures = 0;
    this.unsubscribeWork = this.host.backend.notifier.onWork(() => {
      this.workEpoch++;
      this.pump();
    });
    this.fillSpares();
  }

  protected respawn(): void {
    this.fillSpares();
  }

  protected override beforeStop(): void {
    clearTimeout(this.spareTimer);
    this.spareTimer = undefined;
    this.unsubscribeWork?.();
    this.unsubscribeWork = undefined;
  }

  protected onReady(worker: PoolWorker): void {
    this.starting--;
    this.startFailures = 0;
    this.spares.push(worker);
    this.pump();
  }

  protected override onWorkerMessage(worker: PoolWorker, message: FromWorker): void {
    switch (message.t) {
      case "claimed":
        this.claimEpoch.delete(worker);
        this.fillSpares();
        return;
      case "nothing": {
        const epoch = this.claimEpoch.get(worker);
        this.claimEpoch.delete(worker);
        if (epoch === this.workEpoch) this.emptyAt = epoch; // nothing new since: no claim until new work
        this.giveBack(worker);
        if (this.phase === "running") this.spares.push(worker);
        this.pump();
        return;
      }
      case "released":
        this.giveBack(worker);
        this.pump();
        return;
      case "want":
        this.wants.push(worker);
        this.pump();
        return;
    }
  }

  protected onGone(worker: PoolWorker, exit: WorkerExit): void {
    if (this.holders.has(worker)) this.giveBack(worker);
    this.claimEpoch.delete(worker);
    remove(this.wants, worker);
    if (remove(this.spares, worker) === false && !worker.ready) this.starting--;
    // Children that die before they are ready would be replaced in a loop: back off (250 ms doubling
    // to 10 s) until one starts. A child dying after its start (its task crashed it) is no such loop.
    if (!worker.ready && !(exit.expected && worker.stopping)) this.startFailures++;
    if (this.startFailures > 1) this.fillSparesLater(Math.min(10_000, 250 * 2 ** (this.startFailures - 2)));
    else this.fillSpares();
    this.pump();
  }

  private fillSparesLater(delayMs: number): void {
    if (this.spareTimer || this.phase !== "running") return;
    this.logger.warn(
      `Child processes keep dying before they are ready: the next one starts in ${delayMs} ms`,
    );
    this.spareTimer = setTimeout(() => {
      this.spareTimer = undefined;
      this.fillSpares();
      this.pump();
    }, delayMs);
  }

  private giveBack(worker: PoolWorker): void {
    if (this.holders.delete(worker)) this.lent--;
  }

  private lend(worker: PoolWorker, claim: boolean): void {
    this.holders.add(worker);
    this.lent++;
    if (claim) this.claimEpoch.set(worker, this.workEpoch);
    worker.handle.post({ t: "grant", claim });
  }

  /** Free slots go to resumed children first, then to spares for new work while there may be some. */
  private pump(): void {
    const slots = this.host.maxParallelSlots();
    while (this.lent < slots) {
      const resumed = this.wants.shift();
      if (resumed) {
        if (this.workers.has(resumed.runnerId)) this.lend(resumed, false);
        continue;
      }
      if (this.phase !== "running" || this.emptyAt === this.workEpoch) return;
      const spare = this.spares.shift();
      if (!spare) return; // one is starting: it asks once ready
      this.lend(spare, true);
    }
  }

  /**
   * Keep SPARES children loaded and idle, also with one slot: an invocation that pauses at once (a
   * parent awaiting children) needs the next child right away.
   */
  private fillSpares(): void {
    if (this.phase !== "running" || this.spareTimer) return;
    // A spare lent a slot to claim comes back as a spare if it finds nothing: it still counts.
    while (this.spares.length + this.starting + this.claimEpoch.size < SPARES) {
      this.starting++;
      this.spawn(true);
    }
  }
}

function remove<T>(list: T[], item: T): boolean {
  const at = list.indexOf(item);
  if (at < 0) return false;
  list.splice(at, 1);
  return true;
}
