import type { InvocationRecord, Outcome } from "../../invocation/invocation-record.js";
import type { StateBackend } from "../../state-backend/state-backend.js";

export class MemoryStateBackend implements StateBackend {
  private readonly invocations = new Map<string, InvocationRecord>();
  private readonly children = new Map<string, string[]>();
  private readonly outcomes = new Map<string, Outcome>();

  saveInvocations(records: readonly InvocationRecord[]): void {
    for (const record of records) {
      this.invocations.set(record.id, record);
      if (record.parentId === null) continue;
      const siblings = this.children.get(record.parentId);
      if (siblings) siblings.push(record.id);
      else this.children.set(record.parentId, [record.id]);
    }
  }

  getInvocation(id: string): InvocationRecord | undefined {
    return this.invocations.get(id);
  }

  getInvocations(ids: readonly string[]): InvocationRecord[] {
    const out: InvocationRecord[] = [];
    for (const id of ids) {
      const record = this.invocations.get(id);
      if (record) out.push(record);
    }
    return out;
  }

  getChildren(parentId: string): string[] {
    return [...(this.children.get(parentId) ?? [])];
  }

  setOutcome(id: string, outcome: Outcome): void {
    this.outcomes.set(id, outcome);
  }

  getOutcome(id: string): Outcome | undefined {
    return this.outcomes.get(id);
  }

  purge(): void {
    this.invocations.clear();
    this.children.clear();
    this.outcomes.clear();
  }
}
