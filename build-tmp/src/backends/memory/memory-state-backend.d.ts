import type { InvocationRecord, Outcome } from "../../invocation/invocation-record.js";
import type { StateBackend } from "../../state-backend/state-backend.js";
export declare class MemoryStateBackend implements StateBackend {
    private readonly invocations;
    private readonly children;
    private readonly outcomes;
    saveInvocations(records: readonly InvocationRecord[]): Promise<void>;
    getInvocation(id: string): Promise<InvocationRecord | undefined>;
    getInvocations(ids: readonly string[]): Promise<InvocationRecord[]>;
    getChildren(parentId: string): Promise<string[]>;
    setOutcome(id: string, outcome: Outcome): Promise<void>;
    getOutcome(id: string): Promise<Outcome | undefined>;
    purge(): Promise<void>;
}
