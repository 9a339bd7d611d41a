import type { InvocationRecord, Outcome } from "../../invocation/invocation-record.js";
import type { StateBackend } from "../../state-backend/state-backend.js";
export declare class MemoryStateBackend implements StateBackend {
    private readonly invocations;
    private readonly children;
    private readonly outcomes;
    saveInvocations(records: readonly InvocationRecord[]): void;
    getInvocation(id: string): InvocationRecord | undefined;
    getInvocations(ids: readonly string[]): InvocationRecord[];
    getChildren(parentId: string): string[];
    setOutcome(id: string, outcome: Outcome): void;
    getOutcome(id: string): Outcome | undefined;
    purge(): void;
}
