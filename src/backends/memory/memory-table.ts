import type { InvocationRecord, Outcome } from "../../invocation/invocation-record.js";
import type { InvocationStatus } from "../../invocation/status.js";

/** Everything the memory backend knows about one invocation, in one place (one map lookup). */
export interface MemoryRow {
  /** Set by the state backend. */
  record: InvocationRecord | undefined;
  outcome: Outcome | undefined;
  children: string[] | undefined;
  /** Set by the orchestrator store: status and owning runner (the time is the history's last). */
  status: InvocationStatus | undefined;
  owner: string | null | undefined;
  taskId: string | undefined;
  /** Flat entries, see compact-history.ts. */
  history: number[] | undefined;
}

/**
 * The one table the memory components share: the state backend and the orchestrator store of one
 * `memoryBackend()` write different fields of the same rows, which halves lookups and objects kept.
 */
export class MemoryTable {
  readonly rows = new Map<string, MemoryRow>();
  // Consecutive operations mostly touch the same two invocations (a waiter and what it waits for):
  // remember the last two rows and skip the map for those.
  private lastId: string | undefined;
  private lastRow: MemoryRow | undefined;
  private prevId: string | undefined;
  private prevRow: MemoryRow | undefined;

  get(id: string): MemoryRow | undefined {
    if (id === this.lastId) return this.lastRow;
    if (id === this.prevId) return this.prevRow;
    const row = this.rows.get(id);
    if (row) {
      this.prevId = this.lastId;
      this.prevRow = this.lastRow;
      this.lastId = id;
      this.lastRow = row;
    }
    return row;
  }

  row(id: string): MemoryRow {
    let row = this.get(id);
    if (!row) {
      row = {
        record: undefined,
        outcome: undefined,
        children: undefined,
        status: undefined,
        owner: undefined,
        taskId: undefined,
        history: undefined,
      };
      this.rows.set(id, row);
    }
    return row;
  }

  delete(id: string): void {
    this.rows.delete(id);
    if (id === this.lastId || id === this.prevId) this.forgetRecent();
  }

  private forgetRecent(): void {
    this.lastId = this.prevId = undefined;
    this.lastRow = this.prevRow = undefined;
  }

  /** Clear some fields of every row (one component's purge), dropping rows left empty. */
  clear(fields: readonly (keyof MemoryRow)[]): void {
    this.forgetRecent();
    for (const [id, row] of this.rows) {
      for (const field of fields) row[field] = undefined;
      if (!row.record && !row.status && !row.outcome && !row.children) this.rows.delete(id);
    }
  }
}
