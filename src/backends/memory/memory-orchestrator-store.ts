import { InvocationNotFoundError } from "../../errors/errors.js";
import {
  INITIAL_STATUS,
  InvocationStatus,
  isFinal,
  isRunnable,
  isWaitReady,
  ownerAfter,
  ownerAfterResume,
  refuseUnderCancel,
  type HistoryEntry,
  type StatusRecord,
} from "../../invocation/status.js";
import type {
  IdSet,
  NewStatus,
  OrchestratorStore,
  RunnerInfo,
} from "../../orchestrator/orchestrator-store.js";
import { CompactHistory } from "./compact-history.js";
import { ConcurrencyIndex } from "./concurrency-index.js";
import { FinishedQueue } from "./finished-queue.js";
import { MemoryTable, type MemoryRow } from "./memory-table.js";
import { MemoryRunners } from "./memory-runners.js";
import { MemoryWaitGraph } from "./memory-wait-graph.js";

/** Status and owner are plain fields of the row; the time of the last change is the history's last. */
interface Entry {
  status: InvocationStatus;
  owner: string | null;
  history: number[];
}

/** A row that the orchestrator store has registered. */
type RegisteredRow = MemoryRow & Entry;

/** One JavaScript thread makes every method atomic: nothing awaits between read and write. */
export class MemoryOrchestratorStore implements OrchestratorStore {
  private readonly graph = new MemoryWaitGraph();
  private seq = 0;
  private readonly histories = new CompactHistory();
  /** Finished invocations in the order they finished, for retention. */
  private readonly finished = new FinishedQueue();
  /** Outside readers' pins (see `pin`), by id; only while a read is under way. */
  private readonly pins = new Map<string, number>();
  /** Due for retention but still unread (waited on or pinned): looked at again by the next purge. */
  private held: string[] = [];
  private readonly concurrency = new ConcurrencyIndex();
  /** Non-final invocations whose cancel was requested (`requestCancel`). */
  private readonly cancelRequests = new Set<string>();
  private readonly runnerRegistry = new MemoryRunners();

  constructor(private readonly table = new MemoryTable()) {}

  private entry(id: string): RegisteredRow | undefined {
    const row = this.table.get(id);
    return row?.status ? (row as RegisteredRow) : undefined;
  }

  register(items: readonly NewStatus[], runnerId: string | null, at: number): (string | undefined)[] {
    const existing: (string | undefined)[] = [];
    for (const item of items) {
      const duplicate = this.concurrency.duplicateOf(item);
      existing.push(duplicate);
      if (duplicate !== undefined) continue;
      this.concurrency.add(item);
      const row = this.table.row(item.id);
      row.status = INITIAL_STATUS;
      row.owner = null;
      row.taskId = item.taskId;
      row.history = this.histories.start(INITIAL_STATUS, runnerId, at, ++this.seq);
    }
    return existing;
  }

  transition(
    id: string,
    to: InvocationStatus,
    runnerId: string | null,
    at: number,
    options?: { clearWaits?: boolean },
  ): StatusRecord {
    const entry = this.found(id);
    this.apply(id, entry, to, runnerId, at);
    if (options?.clearWaits) {
      if (isFinal(to)) this.graph.finished(id);
      else this.graph.removeFrom(id);
    }
    return { status: to, owner: entry.owner, at };
  }

  requestCancel(id: string): StatusRecord | undefined {
    const entry = this.entry(id);
    if (entry && !isFinal(entry.status)) this.cancelRequests.add(id);
    return entry && this.recordOf(entry);
  }

  claim(ids: readonly string[], runnerId: string, at: number, blocked?: string[]): string[] {
    const claimed: string[] = [];
    for (const id of ids) {
      const entry = this.entry(id);
      if (!entry || !isRunnable(entry.status)) continue;
      if (!this.concurrency.canRun(id)) {
        blocked?.push(id);
        continue;
      }
      this.apply(id, entry, InvocationStatus.PENDING, runnerId, at);
      claimed.push(id);
    }
    return claimed;
  }

  resume(id: string, runnerId: string, at: number): StatusRecord | undefined {
    const entry = this.found(id);
    // Validated before the key is looked at, so a refusal never hides an invalid change.
    const owner = ownerAfterResume(id, entry.status, entry.owner, runnerId);
    if (!this.concurrency.canRun(id)) return undefined;
    this.commit(id, entry, InvocationStatus.RUNNING, owner, runnerId, at);
    return { status: InvocationStatus.RUNNING, owner, at };
  }

  private found(id: string): RegisteredRow {
    const entry = this.entry(id);
    if (!entry) throw new InvocationNotFoundError(`No invocation with id ${id} in the memory backend`);
    return entry;
  }

  /** Validate (status.ts) and store one change. */
  private apply(id: string, entry: Entry, to: InvocationStatus, runnerId: string | null, at: number): void {
    const owner = ownerAfter(id, entry.status, entry.owner, to, runnerId);
    if (this.cancelRequests.size > 0 && this.cancelRequests.has(id)) {
      refuseUnderCancel(id, to);
      if (isFinal(to)) this.cancelRequests.delete(id);
    }
    this.commit(id, entry, to, owner, runnerId, at);
  }

  /** Store a validated change: status, owner, history entry and indexes together. */
  private commit(
    id: string,
    entry: Entry,
    to: InvocationStatus,
    owner: string | null,
    runnerId: string | null,
    at: number,
  ): void {
    entry.status = to;
    entry.owner = owner;
    this.histories.append(entry.history, to, runnerId, at, ++this.seq);
    this.concurrency.changed(id, to);
    if (isFinal(to)) {
      this.finished.push(id, at);
      // Kept for retention from now on: without the spare room arrays keep for growing (about a third).
      entry.history = entry.history.slice();
    }
  }

  getStatus(id: string): StatusRecord | undefined {
    const entry = this.entry(id);
    return entry && this.recordOf(entry);
  }

  getStatuses(ids: readonly string[]): (StatusRecord | undefined)[] {
    return ids.map((id) => {
      const entry = this.entry(id);
      return entry && this.recordOf(entry);
    });
  }

  /** The status record a reader gets: made on read, the time being that of the last history entry. */
  private recordOf(entry: Entry): StatusRecord {
    return { status: entry.status, owner: entry.owner, at: this.histories.lastAt(entry.history) };
  }

  getHistory(id: string): HistoryEntry[] {
    const history = this.entry(id)?.history;
    return history ? this.histories.read(history) : [];
  }

  findByStatus(statuses: readonly InvocationStatus[], taskId?: string): string[] {
    const out: string[] = [];
    for (const [id, row] of this.table.rows) {
      if (!row.status) continue;
      if (statuses.includes(row.status) && (taskId === undefined || row.taskId === taskId)) {
        out.push(id);
      }
    }
    return out;
  }

  addWaits(waiterId: string, waitedIds: readonly string[]): void {
    this.graph.add(waiterId, waitedIds);
  }

  removeWaitsOf(waiterId: string): void {
    this.graph.removeFrom(waiterId);
  }

  removeWaitsOn(waitedId: string): void {
    this.graph.removeTo(waitedId);
  }

  waitingFor(ids: readonly string[]): Map<string, string[]> {
    return this.graph.waitingFor(ids);
  }

  waitersOf(ids: readonly string[]): Map<string, string[]> {
    return this.graph.waitersOf(ids);
  }

  waitedOnRunnable(limit: number): string[] {
    const out: string[] = [];
    if (limit <= 0) return out;
    for (const id of this.graph.ready()) {
      const entry = this.entry(id);
      if (entry && isWaitReady(entry.status)) {
        out.push(id);
        if (out.length >= limit) break;
      }
    }
    return out;
  }

  runningKeyHolders(runningKey: string): string[] {
    return this.concurrency.holdersOf(runningKey);
  }

  parkedOn(runningKey: string): string[] {
    return this.concurrency.parked(runningKey);
  }

  cachedResult(cacheKey: string): string | undefined {
    return this.concurrency.cachedResult(cacheKey);
  }

  pin(id: string): void {
    this.pins.set(id, (this.pins.get(id) ?? 0) + 1);
  }

  unpin(id: string): void {
    const count = this.pins.get(id);
    if (count === undefined) return;
    if (count > 1) this.pins.set(id, count - 1);
    else this.pins.delete(id);
  }

  purgeFinished(olderThan: number, keepNewest: number, keep?: IdSet): string[] {
    const taken = this.finished.take(olderThan, keepNewest);
    const due = this.held.length ? this.held.concat(taken) : taken;
    const purged: string[] = [];
    const held: string[] = [];
    for (const id of due) (this.unread(id) || keep?.has(id) ? held : purged).push(id);
    this.held = held;
    if (purged.length) this.concurrency.forgetAll(new Set(purged));
    for (const id of purged) {
      const row = this.table.get(id);
      if (!row) continue;
      row.status = row.owner = row.taskId = row.history = undefined;
      // The state backend of this bundle shares the row: it goes once both have let go of it.
      if (!row.record && !row.outcome && !row.children) this.table.delete(id);
    }
    return purged;
  }

  /** Somebody has not read its result yet: a waiter's edge points at it, or an outside reader pinned it. */
  private unread(id: string): boolean {
    return this.graph.hasWaiters(id) || this.pins.has(id);
  }

  countByStatus(): Partial<Record<InvocationStatus, number>> {
    const counts: Partial<Record<InvocationStatus, number>> = {};
    for (const row of this.table.rows.values()) {
      if (row.status) counts[row.status] = (counts[row.status] ?? 0) + 1;
    }
    return counts;
  }

  heartbeat(runner: RunnerInfo): void {
    this.runnerRegistry.heartbeat(runner);
  }

  removeRunner(runnerId: string): void {
    this.runnerRegistry.remove(runnerId);
  }

  runners(): RunnerInfo[] {
    return this.runnerRegistry.list();
  }

  acquireLease(name: string, holder: string, at: number, until: number): boolean {
    return this.runnerRegistry.acquireLease(name, holder, at, until);
  }

  ownedBy(runnerIds: readonly string[]): string[] {
    const owners = new Set(runnerIds);
    const out: string[] = [];
    for (const [id, row] of this.table.rows) {
      if (row.status && row.owner && owners.has(row.owner) && !isFinal(row.status)) out.push(id);
    }
    return out;
  }

  purge(): void {
    this.runnerRegistry.clear();
    this.finished.clear();
    this.pins.clear();
    this.cancelRequests.clear();
    this.held = [];
    this.concurrency.clear();
    this.table.clear(["status", "owner", "taskId", "history"]);
    this.graph.clear();
  }
}
