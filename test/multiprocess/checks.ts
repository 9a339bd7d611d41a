/** Checks on what several processes left in one store: histories, and the code runs runners report. */
import { InvocationStatus as S, type HistoryEntry, type InvocationStatus } from "../../src/index.js";
import type { CodeRun } from "./fixtures/app.js";

/**
 * Problems with "finished exactly once" in one history: it must end SUCCESS, hold no other final
 * status, and each attempt must start running once (PENDING -> RUNNING; RESUMED -> RUNNING continues
 * the same attempt after a pause). `attempts` is how many attempts the invocation should have had.
 */
export function finishedOnceProblems(history: readonly HistoryEntry[], attempts = 1): string[] {
  const problems: string[] = [];
  const statuses = history.map((h) => h.status);
  if (statuses.at(-1) !== S.SUCCESS) problems.push(`ends ${statuses.at(-1)}, not SUCCESS`);
  const successes = statuses.filter((s) => s === S.SUCCESS).length;
  if (successes !== 1) problems.push(`${successes} SUCCESS entries`);
  const starts = statuses.filter((s, i) => s === S.RUNNING && statuses[i - 1] === S.PENDING).length;
  if (starts !== attempts) problems.push(`${starts} PENDING -> RUNNING starts, expected ${attempts}`);
  return problems;
}

/**
 * The most invocations that held a running key at one moment: replays the histories in the store's
 * global order (`seq`, one order across processes), an invocation holding the key while its latest
 * status is one of `holding` (PENDING or RUNNING: a claim takes the key, a pause or the end lets it go).
 */
export function maxHoldersAtOnce(
  histories: readonly (readonly HistoryEntry[])[],
  holding: readonly InvocationStatus[] = [S.PENDING, S.RUNNING],
): number {
  const steps = histories.flatMap((history, key) => history.map((entry) => ({ key, entry })));
  steps.sort((a, b) => a.entry.seq - b.entry.seq);
  const holders = new Set<number>();
  let max = 0;
  for (const { key, entry } of steps) {
    if (holding.includes(entry.status)) holders.add(key);
    else holders.delete(key);
    max = Math.max(max, holders.size);
  }
  return max;
}

/** Pairs of code runs (of any processes) whose [start, end] intervals overlap; empty when none do. */
export function overlappingRuns(runs: readonly CodeRun[]): [CodeRun, CodeRun][] {
  const sorted = [...runs].sort((a, b) => a.start - b.start);
  const overlaps: [CodeRun, CodeRun][] = [];
  let latest: CodeRun | undefined; // of the runs started so far, the one that ends last
  for (const run of sorted) {
    if (latest && run.start < latest.end) overlaps.push([latest, run]);
    if (!latest || run.end > latest.end) latest = run;
  }
  return overlaps;
}

/** The ids of `expected` (and any other in `ids`) that do not occur exactly `count` times in `ids`, as "id: n". */
export function countsOtherThan(ids: readonly string[], expected: readonly string[], count = 1): string[] {
  const seen = new Map<string, number>();
  for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
  const wrong: string[] = [];
  for (const id of new Set([...expected, ...ids])) {
    const n = seen.get(id) ?? 0;
    if (n !== count) wrong.push(`${id}: ${n}`);
  }
  return wrong;
}
