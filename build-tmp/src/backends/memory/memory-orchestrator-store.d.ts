import { InvocationStatus, type HistoryEntry, type StatusRecord } from "../../invocation/status.js";
import type { NewStatus, OrchestratorStore } from "../../orchestrator/orchestrator-store.js";
/** One JavaScript thread makes every method atomic: nothing awaits between read and write. */
export declare class MemoryOrchestratorStore implements OrchestratorStore {
    private readonly entries;
    private readonly graph;
    private seq;
    register(items: readonly NewStatus[], runnerId: string | null, at: number): void;
    transition(id: string, to: InvocationStatus, runnerId: string | null, at: number, options?: {
        clearWaits?: boolean;
    }): StatusRecord;
    claim(ids: readonly string[], runnerId: string, at: number): string[];
    private apply;
    getStatus(id: string): StatusRecord | undefined;
    getStatuses(ids: readonly string[]): (StatusRecord | undefined)[];
    getHistory(id: string): HistoryEntry[];
    findByStatus(statuses: readonly InvocationStatus[], taskId?: string): string[];
    addWaits(waiterId: string, waitedIds: readonly string[]): void;
    removeWaitsOf(waiterId: string): void;
    removeWaitsOn(waitedId: string): void;
    waitingFor(ids: readonly string[]): Map<string, string[]>;
    waitersOf(ids: readonly string[]): Map<string, string[]>;
    waitedOnRunnable(limit: number): string[];
    purge(): void;
}
