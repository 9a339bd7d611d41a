import { type Flow } from "../util/flow.js";
import type { OrchestratorStore } from "./orchestrator-store.js";

/**
 * Would the edges `waiter -> waited` close a cycle? Walks "waits for" edges from the waited ids,
 * breadth first, level by level (one store call a level). A flow step (see util/flow.ts). Returns the cycle as a path that starts and
 * ends with the waiter, or undefined.
 */
export function* findWaitCycle(
  store: Pick<OrchestratorStore, "waitingFor">,
  waiterId: string,
  waitedIds: readonly string[],
): Flow<string[] | undefined> {
  const cameFrom = new Map<string, string>();
  let frontier: string[] = [];
  for (const id of waitedIds) {
    if (id === waiterId) return [waiterId, waiterId];
    if (!cameFrom.has(id)) {
      cameFrom.set(id, waiterId);
      frontier.push(id);
    }
  }
  while (frontier.length > 0) {
    const edges = (yield store.waitingFor(frontier)) as Map<string, string[]>;
    const next: string[] = [];
    for (const [from, targets] of edges) {
      for (const to of targets) {
        if (to === waiterId) return pathBack(cameFrom, from, waiterId);
        if (cameFrom.has(to)) continue;
        cameFrom.set(to, from);
        next.push(to);
      }
    }
    frontier = next;
  }
  return undefined;
}

function pathBack(cameFrom: Map<string, string>, last: string, waiterId: string): string[] {
  const path = [last, waiterId];
  let node = last;
  while (node !== waiterId) {
    node = cameFrom.get(node)!;
    path.unshift(node);
  }
  return path;
}
