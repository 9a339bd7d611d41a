import { InvocationStatus, type HistoryEntry, type StatusRecord } from "../../invocation/status.js";
import type { NewStatus, OrchestratorStore } from "../../orchestrator/orchestrator-store.js";
/** One JavaScript thread makes every method atomic: nothing awaits between read and write. */
export declare class MemoryOrchestratorStore implements OrchestratorStore {
    private readonly entries;
    private readonly graph;
    register(items: readonly NewStatus[], runnerId: string | null, at: number): Promise<void>;
    transition(id: string, to: InvocationStatus, runnerId: string | null, at: number, options?: {
        clearWaits?: boolean;
    }): Promise<StatusRecord>;
    claim(ids: readonly string[], runnerId: string, at: number): Promise<string[]>;
    private apply;
    getStatus(id: string): Promise<StatusRecord | undefined>;
    getStatuses(ids: readonly string[]): Promise<(StatusRecord | undefined)[]>;
    getHistory(id: string): Promise<HistoryEntry[]>;
    findByStatus(statuses: readonly InvocationStatus[], taskId?: string): Promise<string[]>;
    addWaits(waiterId: string, waitedIds: readonly string[]): Promise<void>;
    removeWaitsOf(waiterId: string): Promise<void>;
    removeWaitsOn(waitedId: string): Promise<void>;
    waitingFor(ids: readonly string[]): Promise<Map<string, string[]>>;
    waitersOf(ids: readonly string[]): Promise<Map<string, string[]>>;
    waitedOnRunnable(limit: number): Promise<string[]>;
    purge(): Promise<void>;
}
