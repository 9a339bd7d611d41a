import { InvocationNotFoundError } from "../../errors/errors.js";
import {
  INITIAL_STATUS,
  InvocationStatus,
  isRunnable,
  transition,
  type HistoryEntry,
  type StatusRecord,
} from "../../invocation/status.js";
import type { NewStatus, OrchestratorStore } from "../../orchestrator/orchestrator-store.js";
import { MemoryWaitGraph } from "./memory-wait-graph.js";

interface Entry {
  record: StatusRecord;
  readonly taskId: string;
  readonly history: HistoryEntry[];
}

/** One JavaScript thread makes every method atomic: nothing awaits between read and write. */
export class MemoryOrchestratorStore implements OrchestratorStore {
  private readonly entries = new Map<string, Entry>();
  private readonly graph = new MemoryWaitGraph();
  private seq = 0;

  register(items: readonly NewStatus[], runnerId: string | null, at: number): void {
    for (const item of items) {
      const record: StatusRecord = { status: INITIAL_STATUS, owner: null, at };
      const history: HistoryEntry[] = [{ status: INITIAL_STATUS, runnerId, at, seq: ++this.seq }];
      this.entries.set(item.id, { record, taskId: item.taskId, history });
    }
  }

  transition(
    id: string,
    to: InvocationStatus,
    runnerId: string | null,
    at: number,
    options?: { clearWaits?: boolean },
  ): StatusRecord {
    const entry = this.entries.get(id);
    if (!entry) throw new InvocationNotFoundError(`No invocation with id ${id} in the memory backend`);
    const record = this.apply(id, entry, to, runnerId, at);
    if (options?.clearWaits) {
      this.graph.removeFrom(id);
      this.graph.removeTo(id);
    }
    return record;
  }

  claim(ids: readonly string[], runnerId: string, at: number): string[] {
    const claimed: string[] = [];
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (!entry || !isRunnable(entry.record.status)) continue;
      this.apply(id, entry, InvocationStatus.PENDING, runnerId, at);
      claimed.push(id);
    }
    return claimed;
  }

  private apply(
    id: string,
    entry: Entry,
    to: InvocationStatus,
    runnerId: string | null,
    at: number,
  ): StatusRecord {
    const record = transition(id, entry.record, to, runnerId, at);
    entry.record = record;
    entry.history.push({ status: to, runnerId, at, seq: ++this.seq });
    return record;
  }

  getStatus(id: string): StatusRecord | undefined {
    return this.entries.get(id)?.record;
  }

  getStatuses(ids: readonly string[]): (StatusRecord | undefined)[] {
    return ids.map((id) => this.entries.get(id)?.record);
  }

  getHistory(id: string): HistoryEntry[] {
    return [...(this.entries.get(id)?.history ?? [])];
  }

  findByStatus(statuses: readonly InvocationStatus[], taskId?: string): string[] {
    const out: string[] = [];
    for (const [id, entry] of this.entries) {
      if (statuses.includes(entry.record.status) && (taskId === undefined || entry.taskId === taskId)) {
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
      const entry = this.entries.get(id);
      if (entry && isRunnable(entry.record.status)) {
        out.push(id);
        if (out.length >= limit) break;
      }
    }
    return out;
  }

  purge(): void {
    this.entries.clear();
    this.graph.clear();
  }
}
