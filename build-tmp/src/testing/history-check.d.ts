import { type HistoryEntry } from "../invocation/status.js";
/**
 * Problems in one invocation's history measured against the status table: it must start REGISTERED,
 * every step must be allowed, owned statuses may only be left by their owner, and `seq` must grow.
 * Returns an empty list for a valid history.
 */
export declare function historyProblems(history: readonly HistoryEntry[]): string[];
/**
 * The most invocations that were RUNNING at the same moment, replaying all histories in their global
 * order (`seq`). Optionally only those run by one runner.
 */
export declare function maxConcurrentRunning(histories: readonly (readonly HistoryEntry[])[], runnerId?: string): number;
