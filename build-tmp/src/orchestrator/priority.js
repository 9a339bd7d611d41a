import { wait } from "../util/flow.js";
/** Upper bound on the invocations counted per candidate: enough to order, cheap on huge graphs. */
const COUNT_CAP = 10_000;
/**
 * Orders candidates by how many invocations wait for them, directly or transitively, most first; ties
 * keep the given order (oldest waited-on first).
 */
export function* rankByWaiters(store, candidates) {
    const counts = new Map();
    for (const id of candidates)
        counts.set(id, yield* countWaiters(store, id));
    return [...candidates].sort((a, b) => counts.get(b) - counts.get(a));
}
function* countWaiters(store, id) {
    const seen = new Set([id]);
    let frontier = [id];
    while (frontier.length > 0 && seen.size <= COUNT_CAP) {
        const edges = yield* wait(store.waitersOf(frontier));
        const next = [];
        for (const waiters of edges.values()) {
            for (const w of waiters) {
                if (seen.has(w))
                    continue;
                seen.add(w);
                next.push(w);
            }
        }
        frontier = next;
    }
    return seen.size - 1;
}
//# sourceMappingURL=priority.js.map