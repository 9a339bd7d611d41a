import type { InvocationRecord, Outcome } from "../../invocation/invocation-record.js";
import type { StateBackend } from "../../state-backend/state-backend.js";
import { MemoryTable } from "./memory-table.js";

export class MemoryStateBackend implements StateBackend {
  constructor(private readonly table = new MemoryTable()) {}

  saveInvocations(records: readonly InvocationRecord[]): void {
    for (const record of records) {
      this.table.row(record.id).record = record;
      if (record.parentId === null) continue;
      // A parent retention already forgot gets no row back just to list this child.
      const parent = this.table.get(record.parentId);
      if (!parent?.record) continue;
      if (parent.children) parent.children.push(record.id);
      else parent.children = [record.id];
    }
  }

  getInvocation(id: string): InvocationRecord | undefined {
    return this.table.get(id)?.record;
  }

  getInvocations(ids: readonly string[]): InvocationRecord[] {
    const out: InvocationRecord[] = [];
    for (const id of ids) {
      const record = this.table.get(id)?.record;
      if (record) out.push(record);
    }
    return out;
  }

  getChildren(parentId: string): string[] {
    return [...(this.table.get(parentId)?.children ?? [])];
  }

  setOutcome(id: string, outcome: Outcome, ifAbsent = false): void {
    const row = this.table.row(id);
    if (!ifAbsent || row.outcome === undefined) row.outcome = outcome;
  }

  getOutcome(id: string): Outcome | undefined {
    return this.table.get(id)?.outcome;
  }

  deleteInvocations(ids: readonly string[]): string[] {
    const largeValueKeys: string[] = [];
    for (const id of ids) {
      const row = this.table.get(id);
      if (!row) continue;
      if (row.record?.largeValueKeys) largeValueKeys.push(...row.record.largeValueKeys);
      if (row.outcome?.largeValueKey !== undefined) largeValueKeys.push(row.outcome.largeValueKey);
      row.record = undefined;
      row.outcome = undefined;
      row.children = undefined;
      if (!row.status) this.table.delete(id);
    }
    return largeValueKeys;
  }

  purge(): void {
    this.table.clear(["record", "outcome", "children"]);
  }
}
