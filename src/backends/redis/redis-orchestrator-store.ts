import { literalPattern, scanKeys } from "./scan.js";
import type { HistoryEntry, InvocationStatus, StatusRecord } from "../../invocation/status.js";
import type {
  IdSet,
  NewStatus,
  OrchestratorStore,
  RunnerInfo,
  PauseOptions,
  StorePause,
} from "../../orchestrator/orchestrator-store.js";
import type { Awaitable } from "../../util/awaitable.js";
import { key, type RedisContext } from "./context.js";
import { PAUSE_WALK_LIMIT, RedisPause, type PauseClaims } from "./redis-pause.js";
import { queueKeys } from "./redis-broker.js";
import type { ResumedReads } from "./resumed-reads.js";
import { RedisStatusChanges } from "./redis-store-changes.js";
import { StoreKeys } from "./redis-store-keys.js";
import { RedisStatusReads } from "./redis-store-reads.js";
import { RedisRetention } from "./redis-store-retention.js";
import { RedisRunners } from "./redis-store-runners.js";
import { RedisWaitGraph } from "./redis-store-wait-graph.js";

/**
 * Statuses, histories, the wait graph and the runner registry in Redis, under `<prefix>os:` (the key
 * layout is in context.ts). Every change that must be atomic is one Lua script, validated with the
 * rules of status.ts (redis-store-rules.ts) inside it; every method is one round trip.
 */
export class RedisOrchestratorStore implements OrchestratorStore {
  /** Its key names (the bundle's one-call registration writes under them too). */
  readonly keys: StoreKeys;
  private readonly changes: RedisStatusChanges;
  private readonly reads: RedisStatusReads;
  private readonly graph: RedisWaitGraph;
  private readonly retention: RedisRetention;
  private readonly registry: RedisRunners;
  private readonly pauses: RedisPause;

  /**
   * `ahead`: where a resume leaves what it read of the waited ones (see resumed-reads.ts). `claimBatchOf`:
   * a claim's reply read with the broker (redis-claim.ts); without it a pause never claims. `watcher`:
   * who `watchStatuses` marks as the listener (the sender of this process's notifier).
   */
  constructor(
    private readonly context: RedisContext,
    private readonly ahead?: ResumedReads,
    claimBatchOf?: PauseClaims["batchOf"],
    watcher?: () => string,
  ) {
    const client = context.client;
    this.keys = new StoreKeys(context);
    this.changes = new RedisStatusChanges(client, this.keys, `prefix ${context.prefix}`);
    this.reads = new RedisStatusReads(client, this.keys, watcher);
    this.graph = new RedisWaitGraph(client, this.keys, this.changes, this.reads);
    this.retention = new RedisRetention(client, this.keys);
    this.registry = new RedisRunners(client, this.keys);
    const records = key(context, "rec:");
    const pauseClaims: PauseClaims = {
      records,
      queueKeys: queueKeys(context), // a pause's claim pops the broker's queue
      ...(claimBatchOf ? { batchOf: claimBatchOf } : {}),
    };
    this.pauses = new RedisPause(
      client,
      this.keys,
      `prefix ${context.prefix}`,
      pauseClaims,
      PAUSE_WALK_LIMIT,
      ahead,
    );
  }

  register(
    items: readonly NewStatus[],
    runnerId: string | null,
    at: number,
  ): Promise<(string | undefined)[]> {
    return this.changes.register(items, runnerId, at);
  }

  transition(
    id: string,
    to: InvocationStatus,
    runnerId: string | null,
    at: number,
    options?: { clearWaits?: boolean },
  ): Promise<StatusRecord> {
    return this.changes.transition(id, to, runnerId, at, options?.clearWaits ?? false);
  }

  requestCancel(id: string): Promise<StatusRecord | undefined> {
    return this.changes.requestCancel(id);
  }

  claim(ids: readonly string[], runnerId: string, at: number, blocked?: string[]): Promise<string[]> {
    return this.changes.claim(ids, runnerId, at, blocked);
  }

  resume(id: string, runnerId: string, at: number): Promise<StatusRecord | undefined> {
    return this.changes.resume(id, runnerId, at);
  }

  /** A final status a resume read ahead (resumed-reads.ts) is answered at once, without a read. */
  getStatus(id: string): Awaitable<StatusRecord | undefined> {
    return this.ahead?.status(id) ?? this.reads.status(id);
  }

  getStatuses(ids: readonly string[]): Promise<(StatusRecord | undefined)[]> {
    return this.reads.statuses(ids);
  }

  /**
   * The finish script publishes a final only where another process may wait for it (store-finish-5.lua):
   * this read marks this process as a listener of the unfinished ones, in the same step.
   */
  watchStatuses(ids: readonly string[]): Awaitable<(StatusRecord | undefined)[]> {
    if (ids.length === 1) {
      const known = this.ahead?.status(ids[0]!);
      if (known) return [known];
    }
    return this.reads.watched(ids);
  }

  getHistory(id: string): Promise<HistoryEntry[]> {
    return this.reads.history(id);
  }

  findByStatus(statuses: readonly InvocationStatus[], taskId?: string): Promise<string[]> {
    return this.reads.findByStatus(statuses, taskId);
  }

  addWaits(waiterId: string, waitedIds: readonly string[]): Promise<void> {
    return this.graph.add(waiterId, waitedIds);
  }

  removeWaitsOf(waiterId: string): Promise<void> {
    return this.graph.removeFrom(waiterId);
  }

  removeWaitsOn(waitedId: string): Promise<void> {
    return this.graph.removeTo(waitedId);
  }

  waitingFor(ids: readonly string[]): Promise<Map<string, string[]>> {
    return this.graph.waitingFor(ids);
  }

  waitersOf(ids: readonly string[]): Promise<Map<string, string[]>> {
    return this.graph.waitersOf(ids);
  }

  waitedOnRunnable(limit: number): Promise<string[]> {
    return this.graph.ready(limit);
  }

  /**
   * Not in the interface yet: for each id, how many invocations wait for it directly or transitively
   * (up to about `cap`), in one round trip. priority.ts counts the same with `waitersOf`, one round trip
   * per level of the graph and candidate, which dominates a claim on a network store.
   */
  countWaiters(ids: readonly string[], cap: number): Promise<number[]> {
    return this.graph.countWaiters(ids, cap);
  }

  recordAndPause(
    waiterId: string,
    waitedIds: readonly string[],
    runnerId: string,
    at: number,
    options?: PauseOptions,
  ): Promise<StorePause> {
    return this.pauses.recordAndPause(waiterId, waitedIds, runnerId, at, options);
  }

  resumeFromPause(id: string, runnerId: string, at: number): Promise<StatusRecord | undefined> {
    return this.pauses.resumeFromPause(id, runnerId, at);
  }

  runningKeyHolders(runningKey: string): Promise<string[]> {
    return this.reads.runningKeyHolders(runningKey);
  }

  parkedOn(runningKey: string): Promise<string[]> {
    return this.reads.parkedOn(runningKey);
  }

  cachedResult(cacheKey: string): Promise<string | undefined> {
    return this.reads.cachedResult(cacheKey);
  }

  pin(id: string): Promise<void> {
    return this.retention.pin(id);
  }

  unpin(id: string): Promise<void> {
    return this.retention.unpin(id);
  }

  /** Sends the unpins that wait (see UNPIN_GATHER_MS); resolves once applied (or failed), never rejects. */
  flushUnpins(): Promise<void> {
    return this.retention.flushUnpins();
  }

  purgeFinished(olderThan: number, keepNewest: number, keep?: IdSet): Promise<string[]> {
    return this.retention.purgeFinished(olderThan, keepNewest, keep);
  }

  countByStatus(): Promise<Partial<Record<InvocationStatus, number>>> {
    return this.reads.countByStatus();
  }

  heartbeat(runner: RunnerInfo): Promise<void> {
    return this.registry.heartbeat(runner);
  }

  removeRunner(runnerId: string): Promise<void> {
    return this.registry.remove(runnerId);
  }

  runners(): Promise<RunnerInfo[]> {
    return this.registry.list();
  }

  acquireLease(name: string, holder: string, at: number, until: number): Promise<boolean> {
    return this.registry.acquireLease(name, holder, at, until);
  }

  ownedBy(runnerIds: readonly string[]): Promise<string[]> {
    return this.reads.ownedBy(runnerIds);
  }

  /**
   * Forget everything of the store: every key under `<prefix>os:`, found with SCAN and unlinked in
   * batches (not atomic: for `tynenc purge` and tests, with no runner at work).
   */
  async purge(): Promise<void> {
    const client = this.context.client;
    // The pins and unpins still gathered go first: sent after the purge, they would leave this
    // connection's kept answers (`os:sent:<uuid>`, store-pin-3.lua) behind it.
    await this.retention.flushUnpins();
    for await (const found of scanKeys(client, `${literalPattern(this.keys.base)}*`))
      await client.unlink(...found);
  }
}
