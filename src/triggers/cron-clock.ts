import type { TriggerNode } from "./compile.js";
import type { AppTriggersHost } from "./app-triggers.js";
import type { Firing } from "./firing.js";

/** setTimeout's limit is about 24.8 days: a later tick is looked at again within this. */
const MAX_WAIT_MS = 60 * 60 * 1000;

/**
 * The cron triggers of an app, kept by one runner: one timer for the earliest next tick of them all.
 * A tick fires only when the runner holds the recovery lease (always, on an in-process backend) and
 * the trigger store says no process fired it before (`claimCronTick`). When the runner starts or takes
 * the lease over, it fires at most `cronCatchUp` missed ticks of each trigger, the latest ones.
 */
export class CronClock {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Per cron leaf, the next tick this clock waits for. */
  private readonly due = new Map<TriggerNode, number>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly leaves: readonly TriggerNode[],
    private readonly host: AppTriggersHost,
    private readonly firing: Firing,
    private readonly holdsLease: () => boolean,
    private readonly track: (work: Promise<unknown>) => void,
  ) {}

  /** Catch up (if this runner holds the lease), then wait for the next tick. */
  start(): void {
    const now = Date.now();
    for (const leaf of this.leaves) this.setDue(leaf, now);
    this.then(() => this.catchUp());
    this.schedule();
  }

  /** This runner took the recovery lease over: fire what was missed meanwhile. */
  leaseAcquired(): void {
    if (!this.stopped) this.then(() => this.catchUp());
  }

  /** No more ticks; resolves once a firing under way is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  /** One step at a time, so a catch-up and a tick never claim out of order. */
  private then(step: () => Promise<void>): void {
    const next = this.chain.then(step);
    this.chain = next.catch(() => undefined);
    this.track(next);
  }

  private setDue(leaf: TriggerNode, after: number): void {
    const next = leaf.cron!.next(after);
    if (next === null) this.due.delete(leaf);
    else this.due.set(leaf, next);
  }

  private schedule(): void {
    if (this.stopped) return;
    let earliest = Infinity;
    for (const tick of this.due.values()) earliest = Math.min(earliest, tick);
    if (earliest === Infinity) return;
    const wait = Math.min(Math.max(0, earliest - Date.now()), MAX_WAIT_MS);
    this.timer = setTimeout(() => this.wake(), wait);
  }

  private wake(): void {
    this.timer = undefined;
    const now = Date.now();
    const catchUp = this.host.cronCatchUp();
    for (const [leaf, tick] of this.due) {
      if (tick > now) continue;
      // Normally one tick; after a stall (a blocked loop, a sleeping host), the latest and missed ones.
      const ticks = leaf.cron!.missed(tick - 1, now, 1 + catchUp);
      this.setDue(leaf, now);
      this.then(() => this.fireTicks(leaf, ticks));
    }
    this.schedule();
  }

  private async catchUp(): Promise<void> {
    const store = this.host.triggerStore();
    const max = this.host.cronCatchUp();
    if (max <= 0 || !this.holdsLease()) return;
    const now = Date.now();
    for (const leaf of this.leaves) {
      const last = await store.lastCronTick(leaf.id);
      if (last === null) continue; // never fired: nothing was missed
      await this.fireTicks(leaf, leaf.cron!.missed(last, now, max));
    }
  }

  private async fireTicks(leaf: TriggerNode, ticks: readonly number[]): Promise<void> {
    if (ticks.length === 0 || this.stopped || !this.holdsLease()) return;
    const store = this.host.triggerStore();
    for (const at of ticks) {
      if (!(await store.claimCronTick(leaf.id, at))) continue;
      const context = { at: new Date(at) };
      const satisfaction = {
        context,
        portable: { k: "cron" as const, at },
        sources: [{ kind: "cron" as const, at }],
      };
      if (this.firing.passes(leaf, context)) await this.firing.satisfied(leaf, satisfaction);
    }
  }
}
