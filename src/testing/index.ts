// Same as src/index.ts: the declarations of this entry point load @types/node themselves.
/// <reference types="node" preserve="true" />
/**
 * Helpers for testing code that uses tynenc (`import { ... } from "tynenc/testing"`): wait for states
 * instead of sleeping, and check every history against the status table.
 */
import type { Tynenc } from "../app.js";
import type { HistoryEntry } from "../invocation/status.js";
import { historyProblems } from "./history-check.js";

export { historyProblems, maxConcurrentRunning } from "./history-check.js";
export { waitForStatus, waitUntil, type WaitOptions } from "./wait.js";

/** Runs `body` while the app's runner runs, and always stops the runner after; returns what `body` returned. */
export async function withRunner<T>(app: Tynenc, body: () => Promise<T>): Promise<T> {
  const loop = app.runner.run();
  try {
    return await body();
  } finally {
    await app.runner.stop();
    await loop;
  }
}

/** Every id's history, fetched from the app's backend. */
export async function histories(app: Tynenc, ids: readonly string[]): Promise<HistoryEntry[][]> {
  return Promise.all(ids.map(async (id) => app.orchestrator.history(id)));
}

/** Throws an Error listing every invocation whose history breaks the status table. */
export async function assertValidHistories(app: Tynenc, ids: readonly string[]): Promise<void> {
  const all = await histories(app, ids);
  const report: string[] = [];
  all.forEach((history, i) => {
    const problems = historyProblems(history);
    if (problems.length)
      report.push(`${ids[i]}: ${problems.join("; ")} [${history.map((h) => h.status).join(" > ")}]`);
  });
  if (report.length) throw new Error(`Invalid status histories:\n${report.join("\n")}`);
}

/** Collects the id of every invocation the app registers from now on (children included). */
export function trackInvocations(app: Tynenc): { readonly ids: string[]; stop(): void } {
  const ids: string[] = [];
  const stop = app.events.on("invocation:status", ({ invocationId, status }) => {
    if (status === "REGISTERED") ids.push(invocationId);
  });
  return { ids, stop };
}
