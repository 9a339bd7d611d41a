import type { InvocationRecord, Outcome } from "../../invocation/invocation-record.js";
import type { StateBackend } from "../../state-backend/state-backend.js";
import { MemoryTable } from "./memory-table.js";

export class MemoryStateBackend implements StateBackend {
  constructor(private readonly table = new MemoryTable()) {}

  saveInvocations(records: readonly InvocationRecord[]): void {
    for (const record of records) {
      this.table.row(record.id).record = record;
      if (record.parentId === null) continue;
      const parent = this.table.row(record.parentId);
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

  setOutcome(id: string, outcome: Outcome): void {
    this.table.row(id).outcome = outcome;
  }

  getOutcome(id: string): Outcome | undefined {
    return this.table.get(id)?.outcome;
  }

  deleteInvocations(ids: readonly string[]): void {
    for (const id of ids) {
      const row = this.table.get(id);
      if (!row) continue;
      row.record = undefined;
      row.outcome = undefined;
      row.children = undefined;
      if (!row.status) this.table.delete(id);
    }
  }

  purge(): void {
    this.table.clear(["record", "outcome", "children"]);
  }
}
