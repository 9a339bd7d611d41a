import type { InvocationRecord, Outcome } from "../../invocation/invocation-record.js";
import type { StateBackend } from "../../state-backend/state-backend.js";

export class MemoryStateBackend implements StateBackend {
  private readonly invocations = new Map<string, InvocationRecord>();
  private readonly children = new Map<string, string[]>();
  private readonly outcomes = new Map<string, Outcome>();

  async saveInvocations(records: readonly InvocationRecord[]): Promise<void> {
    for (const record of records) {
      this.invocations.set(record.id, record);
      if (record.parentId === null) continue;
      const siblings = this.children.get(record.parentId);
      if (siblings) siblings.push(record.id);
      else this.children.set(record.parentId, [record.id]);
    }
  }

  async getInvocation(id: string): Promise<InvocationRecord | undefined> {
    return this.invocations.get(id);
  }

  async getInvocations(ids: readonly string[]): Promise<InvocationRecord[]> {
    const out: InvocationRecord[] = [];
    for (const id of ids) {
      const record = this.invocations.get(id);
      if (record) out.push(record);
    }
    return out;
  }

  async getChildren(parentId: string): Promise<string[]> {
    return [...(this.children.get(parentId) ?? [])];
  }

  async setOutcome(id: string, outcome: Outcome): Promise<void> {
    this.outcomes.set(id, outcome);
  }

  async getOutcome(id: string): Promise<Outcome | undefined> {
    return this.outcomes.get(id);
  }

  async purge(): Promise<void> {
    this.invocations.clear();
    this.children.clear();
    this.outcomes.clear();
  }
}
