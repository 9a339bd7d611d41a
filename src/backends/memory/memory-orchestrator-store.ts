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

  async register(items: readonly NewStatus[], runnerId: string | null, at: number): Promise<void> {
    for (const item of items) {
      const record: StatusRecord = { status: INITIAL_STATUS, owner: null, at };
      const history: HistoryEntry[] = [{ status: INITIAL_STATUS, runnerId, at, seq: ++this.seq }];
      this.entries.set(item.id, { record, taskId: item.taskId, history });
    }
  }

  async transition(
    id: string,
    to: InvocationStatus,
    runnerId: string | null,
    at: number,
    options?: { clearWaits?: boolean },
  ): Promise<StatusRecord> {
    const entry = this.entries.get(id);
    if (!entry) throw new InvocationNotFoundError(`No invocation with id ${id} in the memory backend`);
    const record = this.apply(id, entry, to, runnerId, at);
    if (options?.clearWaits) {
      this.graph.removeFrom(id);
      this.graph.removeTo(id);
    }
    return record;
  }

  async claim(ids: readonly string[], runnerId: string, at: number): Promise<string[]> {
    const claimed: string[] = [];
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (!entry || !isRunnable(entry.record.status)) continue;
      this.apply(id, entry, InvocationStatus.PENDING, runnerId, at);
      claimed.push(id);
    }
    return claimed;
  }

  private apply(id: string, entry: Entry, to: InvocationStatus, runnerId: string | null, at: number): StatusRecord {
    const record = transition(id, entry.record, to, runnerId, at);
    entry.record = record;
    entry.history.push({ status: to, runnerId, at, seq: ++this.seq });
    return record;
  }

  async getStatus(id: string): Promise<StatusRecord | undefined> {
    return this.entries.get(id)?.record;
  }

  async getStatuses(ids: readonly string[]): Promise<(StatusRecord | undefined)[]> {
    return ids.map((id) => this.entries.get(id)?.record);
  }

  async getHistory(id: string): Promise<HistoryEntry[]> {
    return [...(this.entries.get(id)?.history ?? [])];
  }

  async findByStatus(statuses: readonly InvocationStatus[], taskId?: string): Promise<string[]> {
    const out: string[] = [];
    for (const [id, entry] of this.entries) {
      if (statuses.includes(entry.record.status) && (taskId === undefined || entry.taskId === taskId)) {
        out.push(id);
      }
    }
    return out;
  }

  async addWaits(waiterId: string, waitedIds: readonly string[]): Promise<void> {
    this.graph.add(waiterId, waitedIds);
  }

  async removeWaitsOf(waiterId: string): Promise<void> {
    this.graph.removeFrom(waiterId);
  }

  async removeWaitsOn(waitedId: string): Promise<void> {
    this.graph.removeTo(waitedId);
  }

  async waitingFor(ids: readonly string[]): Promise<Map<string, string[]>> {
    return this.graph.waitingFor(ids);
  }

  async waitersOf(ids: readonly string[]): Promise<Map<string, string[]>> {
    return this.graph.waitersOf(ids);
  }

  async waitedOnRunnable(limit: number): Promise<string[]> {
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

  async purge(): Promise<void> {
    this.entries.clear();
    this.graph.clear();
  }
}
