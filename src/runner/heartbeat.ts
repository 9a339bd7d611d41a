import { hostname } from "node:os";
import { ConfigError } from "../errors/errors.js";
import type { Logger } from "../logging/index.js";
import type { RunnerInfo } from "../orchestrator/orchestrator-store.js";
import type { RecoverySettings, RunnerHost } from "./runner-host.js";

/** The store lease that lets one runner at a time, across all processes, run the recovery pass. */
export const RECOVERY_LEASE = "recovery";

/** A heartbeat may be this many intervals late before its runner counts as dead. */
const MIN_BEATS_BEFORE_DEAD = 3;

/**
 * More intervals than this between two beats of a runner taken by the store (beats skipped or held up)
 * make it judge nobody for runnerDeadAfterMs: see beat().
 */
const MAX_BEAT_GAP_INTERVALS = 3;

/**
 * A running runner's entry in the store's registry. It registers when the runner starts and leaves when
 * it stops. On a backend shared across processes it also beats every `heartbeatIntervalMs` (an unref'd
 * timer) and, while it holds the recovery lease, runs the recovery pass; in-process backends get no
 * timer at all, since nothing there can die without this process.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  /** The registration, beat or pass under way: `stop` waits for it, so nothing writes after it. */
  private current: Promise<void> = Promise.resolve();
  private busy = false;
  private stopped = false;
  /** Whether `stop` hands the recovery lease back (only shared backends take it). */
  private releasesLease = false;
  private startedAt = 0;
  private settings: RecoverySettings | undefined;
  /** Whether the latest beat failed, and until when this runner runs no recovery pass (see beat()). */
  private beatFailed = false;
  private quietUntil = 0;
  /** When the store last took a beat of this runner (0: not yet). */
  private lastBeatAt = 0;
  /** Until when this runner holds the recovery lease (shared backends; 0: it does not). */
  private leaseUntil = 0;
  /** Called when this runner takes the recovery lease it did not hold (the cron clock catches up). */
  onLeaseAcquired: (() => void) | undefined;

  constructor(
    private readonly host: RunnerHost,
    private readonly runner: { readonly id: string; readonly cls: string },
    private readonly logger: Logger,
  ) {}

  /** Throws ConfigError when the settings cannot work; call before the runner starts anything. */
  check(): void {
    this.settings = checkRecoverySettings(this.host.recoverySettings());
  }

  /** Register the runner (resolves once it is in the store, never rejects), then beat if shared. */
  start(): Promise<void> {
    const settings = (this.settings ??= checkRecoverySettings(this.host.recoverySettings()));
    this.startedAt = Date.now();
    this.stopped = false;
    this.lastBeatAt = 0;
    this.releasesLease = settings.sharedAcrossProcesses;
    // A failed registration is logged; the beats retry it.
    this.current = this.beat().then(() => {
      if (this.stopped || this.timer || !settings.sharedAcrossProcesses) return;
      this.timer = setInterval(() => this.tick(settings), settings.heartbeatIntervalMs);
      this.timer.unref(); // a runner keeps its process alive by other means; this timer never should
    });
    return this.current;
  }

  /**
   * Whether this runner does the work one runner at a time does (recovery, cron ticks): on a shared
   * backend while it holds the recovery lease; always on an in-process one, where it is the only one.
   */
  holdsLease(): boolean {
    return !this.releasesLease || Date.now() < this.leaseUntil;
  }

  /** Stop beating and leave the registry, after whatever beat or pass is under way. Never rejects. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.current;
    this.leaseUntil = 0;
    try {
      // Hand the recovery lease back if this runner holds it (an expired lease is free), so another
      // runner takes recovery over at its next beat instead of after runnerDeadAfterMs.
      if (this.releasesLease)
        await this.host.runnerRegistry.acquireLease(RECOVERY_LEASE, this.runner.id, Date.now(), 0);
      await this.host.runnerRegistry.removeRunner(this.runner.id);
    } catch (error) {
      this.logger.warn("Could not remove this runner from the registry; recovery will find it dead", {
        error,
      });
    }
  }

  private tick(settings: RecoverySettings): void {
    if (this.busy) return; // the previous beat or pass is still under way: this one is skipped
    this.busy = true;
    this.current = this.beatAndRecover(settings).finally(() => {
      this.busy = false;
    });
  }

  private async beatAndRecover(settings: RecoverySettings): Promise<void> {
    if (!(await this.beat()) || Date.now() < this.quietUntil) return;
    const { id } = this.runner;
    try {
      const asked = Date.now();
      if (!(await this.acquireLease(settings))) return;
      const now = Date.now();
      // The store stopped answering between this beat and the pass (frozen, or a reconnect): the other
      // runners' beats queued up behind it as this runner's did, so they are judged only once every
      // runner had time to beat again (as after a late beat, see beat()).
      if (now - asked > 2 * settings.heartbeatIntervalMs) {
        this.quietUntil = now + settings.runnerDeadAfterMs;
        return;
      }
      await this.host.orchestrator.recover(id, now, settings);
    } catch (error) {
      this.logger.warn("Recovery pass failed; it runs again on the next heartbeat", { error });
    }
  }

  /**
   * Try the recovery lease now rather than at the first beat (a cron clock would wait that long); the
   * recovery pass stays with the beats. Skipped while a beat or pass is under way. Never rejects.
   */
  takeLeaseNow(): void {
    const settings = this.settings;
    if (!settings?.sharedAcrossProcesses || this.stopped || this.busy) return;
    this.busy = true;
    this.current = this.current
      .then(() => this.acquireLease(settings))
      .then(
        () => undefined,
        (error: unknown) =>
          this.logger.warn("Could not take the recovery lease; retrying on the next beat", { error }),
      )
      .finally(() => {
        this.busy = false;
      });
  }

  /** Take or renew the recovery lease; true while this runner holds it (onLeaseAcquired when new). */
  private async acquireLease(settings: RecoverySettings): Promise<boolean> {
    const now = Date.now();
    const until = now + settings.runnerDeadAfterMs;
    if (!(await this.host.runnerRegistry.acquireLease(RECOVERY_LEASE, this.runner.id, now, until))) {
      this.leaseUntil = 0;
      return false;
    }
    const taken = this.leaseUntil <= now;
    this.leaseUntil = until;
    if (taken && !this.stopped) this.onLeaseAcquired?.();
    return true;
  }

  /** Record that this runner is alive; false (logged) when the store could not take it. */
  private async beat(): Promise<boolean> {
    const asked = Date.now();
    try {
      await this.host.runnerRegistry.heartbeat(this.info(asked));
      const now = Date.now();
      const settings = this.settings!;
      // The store was unreachable (a beat failed, or this one waited on a reconnect): nobody's beats got
      // through meanwhile, so nobody is judged by them until every runner had time to beat again. So
      // too after a gap since this runner's previous beat (its beats were skipped while a pass waited
      // on a frozen store): the others' may have been held up alike. A gap because this process was
      // busy (a long synchronous task) cannot be told apart from that; it only delays this runner's
      // passes (another runner takes the lease over if it stays quiet).
      const interval = settings.heartbeatIntervalMs;
      const gap = this.lastBeatAt > 0 && now - this.lastBeatAt > MAX_BEAT_GAP_INTERVALS * interval;
      if (this.beatFailed || gap || now - asked > 2 * interval)
        this.quietUntil = now + settings.runnerDeadAfterMs;
      this.beatFailed = false;
      this.lastBeatAt = now;
      return true;
    } catch (error) {
      this.beatFailed = true;
      // A beat that fails once the runner is stopping (its store closed, or away) has no next beat.
      if (this.stopped) this.logger.debug("A heartbeat under way failed while stopping", { error });
      else this.logger.warn("Could not record this runner's heartbeat; retrying on the next beat", { error });
      return false;
    }
  }

  private info(heartbeatAt: number): RunnerInfo {
    const { id, cls } = this.runner;
    return {
      runnerId: id,
      cls,
      hostname: hostname(),
      pid: process.pid,
      startedAt: this.startedAt,
      heartbeatAt,
    };
  }
}

/** The settings, once checked: a dead-runner limit well above the beat, and positive intervals. */
export function checkRecoverySettings(settings: RecoverySettings): RecoverySettings {
  const { heartbeatIntervalMs, runnerDeadAfterMs, maxPendingMs } = settings;
  if (heartbeatIntervalMs <= 0) {
    throw new ConfigError(
      `heartbeatIntervalMs is ${heartbeatIntervalMs}: it must be above 0 (a few seconds suits production, e.g. 5000)`,
    );
  }
  if (runnerDeadAfterMs < MIN_BEATS_BEFORE_DEAD * heartbeatIntervalMs) {
    throw new ConfigError(
      `runnerDeadAfterMs (${runnerDeadAfterMs} ms) must be well above heartbeatIntervalMs (${heartbeatIntervalMs} ms): at least ${MIN_BEATS_BEFORE_DEAD} times it (${MIN_BEATS_BEFORE_DEAD * heartbeatIntervalMs} ms), better 10 times; otherwise a live runner whose heartbeat is a little late is taken for dead and its invocations run twice`,
    );
  }
  if (maxPendingMs <= 0) {
    throw new ConfigError(
      `maxPendingMs is ${maxPendingMs}: it must be above 0, or every claimed invocation is taken back before it can start (e.g. 30000)`,
    );
  }
  return settings;
}
