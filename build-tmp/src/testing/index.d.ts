/**
 * Helpers for testing code that uses tynenc (`import { ... } from "tynenc/testing"`): wait for states
 * instead of sleeping, and check every history against the status table.
 */
import type { Tynenc } from "../app.js";
import type { HistoryEntry } from "../invocation/status.js";
export { historyProblems, maxConcurrentRunning } from "./history-check.js";
export { waitForStatus, waitUntil, type WaitOptions } from "./wait.js";
/** Every id's history, fetched from the app's backend. */
export declare function histories(app: Tynenc, ids: readonly string[]): Promise<HistoryEntry[][]>;
/** Throws an Error listing every invocation whose history breaks the status table. */
export declare function assertValidHistories(app: Tynenc, ids: readonly string[]): Promise<void>;
/** Collects the id of every invocation the app registers from now on (children included). */
export declare function trackInvocations(app: Tynenc): {
    readonly ids: string[];
    stop(): void;
};
