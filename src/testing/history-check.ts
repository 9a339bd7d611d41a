import { INITIAL_STATUS, STATUS_TABLE, type HistoryEntry } from "../invocation/status.js";

/**
 * Problems in one invocation's history measured against the status table: it must start REGISTERED,
 * every step must be allowed, owned statuses may only be left by their owner, and `seq` must grow.
 * Returns an empty list for a valid history.
 */
export function historyProblems(history: readonly HistoryEntry[]): string[] {
  const problems: string[] = [];
  const first = history[0];
  if (!first) return ["the history is empty"];
  if (first.status !== INITIAL_STATUS) problems.push(`starts with ${first.status}, not ${INITIAL_STATUS}`);
  let owner: string | null = null;
  for (let i = 1; i < history.length; i++) {
    const prev = history[i - 1]!;
    const step = history[i]!;
    const from = STATUS_TABLE[prev.status];
    const to = STATUS_TABLE[step.status];
    if (!from.next.includes(step.status))
      problems.push(`step ${i}: ${prev.status} -> ${step.status} is not allowed`);
    if (step.seq <= prev.seq) problems.push(`step ${i}: seq ${step.seq} does not follow ${prev.seq}`);
    const owned = from.ownership === "requires" || from.ownership === "acquires";
    if (owned && to.ownership !== "overrides" && step.runnerId !== owner) {
      problems.push(
        `step ${i}: ${step.status} set by ${step.runnerId ?? "(none)"} but ${owner ?? "(none)"} owns it`,
      );
    }
    if (to.ownership === "acquires") owner = step.runnerId;
    else if (to.ownership === "releases" || to.ownership === "overrides") owner = null;
  }
  return problems;
}

/**
 * The most invocations that were RUNNING at the same moment, replaying all histories in their global
 * order (`seq`). Optionally only those run by one runner.
 */
export function maxConcurrentRunning(
  histories: readonly (readonly HistoryEntry[])[],
  runnerId?: string,
): number {
  const events: { seq: number; key: number; running: boolean }[] = [];
  histories.forEach((history, key) => {
    for (const entry of history) {
      const mine = runnerId === undefined || entry.runnerId === runnerId;
      events.push({ seq: entry.seq, key, running: entry.status === "RUNNING" && mine });
    }
  });
  events.sort((a, b) => a.seq - b.seq);
  const running = new Set<number>();
  let max = 0;
  for (const event of events) {
    if (event.running) running.add(event.key);
    else running.delete(event.key);
    max = Math.max(max, running.size);
  }
  return max;
}
