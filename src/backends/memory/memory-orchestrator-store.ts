import { InvocationNotFoundError, StatusTransitionError } from "../../errors/errors.js";
import {
  INITIAL_STATUS,
  InvocationStatus,
  isFinal,
  isRunnable,
  transition,
  type HistoryEntry,
  type StatusRecord,
} from "../../invocation/status.js";
import type { NewStatus, OrchestratorStore } from "../../orchestrator/orchestrator-store.js";
import { CompactHistory } from "./compact-history.js";
import { ConcurrencyIndex } from "./concurrency-index.js";
import { FinishedQueue } from "./finished-queue.js";
import { MemoryTable, type MemoryRow } from "./memory-table.js";
import { MemoryWaitGraph } from "./memory-wait-graph.js";

interface Entry {
  status: StatusRecord;
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
  private readonly concurrency = new ConcurrencyIndex();

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
      row.status = { status: INITIAL_STATUS, owner: null, at };
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
    const record = this.apply(id, entry, to, runnerId, at);
    if (options?.clearWaits) {
      this.graph.removeFrom(id);
      this.graph.removeTo(id);
    }
    return record;
  }

  claim(ids: readonly string[], runnerId: string, at: number, blocked?: string[]): string[] {
    const claimed: string[] = [];
    for (const id of ids) {
      const entry = this.entry(id);
      if (!entry || !isRunnable(entry.status.status)) continue;
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
    const from = entry.status.status;
    if (from !== InvocationStatus.RESUMED) {
      throw new StatusTransitionError(
        `Invocation ${id} cannot be resumed: it is ${from}, not ${InvocationStatus.RESUMED}`,
      );
    }
    // Validated before the key is looked at, so a refusal never hides an invalid change.
    const record = transition(id, entry.status, InvocationStatus.RUNNING, runnerId, at);
    if (!this.concurrency.canRun(id)) return undefined;
    return this.commit(id, entry, record, runnerId);
  }

  private found(id: string): RegisteredRow {
    const entry = this.entry(id);
    if (!entry) throw new InvocationNotFoundError(`No invocation with id ${id} in the memory backend`);
    return entry;
  }

  private apply(
    id: string,
    entry: Entry,
    to: InvocationStatus,
    runnerId: string | null,
    at: number,
  ): StatusRecord {
    return this.commit(id, entry, transition(id, entry.status, to, runnerId, at), runnerId);
  }

  /** Store a validated change: status, history entry and indexes together. */
  private commit(id: string, entry: Entry, record: StatusRecord, runnerId: string | null): StatusRecord {
    const to = record.status;
    entry.status = record;
    this.histories.append(entry.history, to, runnerId, record.at, ++this.seq);
    this.concurrency.changed(id, to);
    if (isFinal(to)) {
      this.finished.push(id, record.at);
      // Kept for retention from now on: without the spare room arrays keep for growing (about a third).
      entry.history = entry.history.slice();
    }
    return record;
  }

  getStatus(id: string): StatusRecord | undefined {
    return this.entry(id)?.status;
  }

  getStatuses(ids: readonly string[]): (StatusRecord | undefined)[] {
    return ids.map((id) => this.table.get(id)?.status);
  }

  getHistory(id: string): HistoryEntry[] {
    const history = this.entry(id)?.history;
    return history ? this.histories.read(history) : [];
  }

  findByStatus(statuses: readonly InvocationStatus[], taskId?: string): string[] {
    const out: string[] = [];
    for (const [id, row] of this.table.rows) {
      if (!row.status) continue;
      if (statuses.includes(row.status.status) && (taskId === undefined || row.taskId === taskId)) {
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
      if (entry && isRunnable(entry.status.status)) {
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

  purgeFinished(olderThan: number, keepNewest: number): string[] {
    const purged = this.finished.take(olderThan, keepNewest);
    if (purged.length) this.concurrency.forgetAll(new Set(purged));
    for (const id of purged) {
      const row = this.table.get(id);
      if (!row) continue;
      row.status = row.taskId = row.history = undefined;
      // The state backend of this bundle shares the row: it goes once both have let go of it.
      if (!row.record && !row.outcome && !row.children) this.table.delete(id);
    }
    return purged;
  }

  purge(): void {
    this.finished.clear();
    this.concurrency.clear();
    this.table.clear(["status", "taskId", "history"]);
    this.graph.clear();
  }
}
