import { type Flow } from "../util/flow.js";
import type { OrchestratorStore } from "./orchestrator-store.js";

/** Upper bound on the invocations counted per candidate: enough to order, cheap on huge graphs. */
const COUNT_CAP = 10_000;

/**
 * Orders candidates by how many invocations wait for them, directly or transitively, most first; ties
 * keep the given order (oldest waited-on first).
 */
export function* rankByWaiters(
  store: Pick<OrchestratorStore, "waitersOf" | "countWaiters">,
  candidates: readonly string[],
): Flow<string[]> {
  const counts = new Map<string, number>();
  if (store.countWaiters) {
    const found = (yield store.countWaiters(candidates, COUNT_CAP)) as number[];
    candidates.forEach((id, i) => counts.set(id, found[i] ?? 0));
  } else {
    for (const id of candidates) counts.set(id, yield* countWaiters(store, id));
  }
  return [...candidates].sort((a, b) => counts.get(b)! - counts.get(a)!);
}

function* countWaiters(store: Pick<OrchestratorStore, "waitersOf">, id: string): Flow<number> {
  const seen = new Set<string>([id]);
  let frontier = [id];
  while (frontier.length > 0 && seen.size <= COUNT_CAP) {
    const edges = (yield store.waitersOf(frontier)) as Map<string, string[]>;
    const next: string[] = [];
    for (const waiters of edges.values()) {
      for (const w of waiters) {
        if (seen.has(w)) continue;
        seen.add(w);
        next.push(w);
      }
    }
    frontier = next;
  }
  return seen.size - 1;
}
