/** Upper bound on the invocations counted per candidate: enough to order, cheap on huge graphs. */
const COUNT_CAP = 10_000;
/**
 * Orders candidates by how many invocations wait for them, directly or transitively, most first; ties
 * keep the given order (oldest waited-on first).
 */
export async function rankByWaiters(store, candidates) {
    const counts = new Map();
    for (const id of candidates)
        counts.set(id, await countWaiters(store, id));
    return [...candidates].sort((a, b) => counts.get(b) - counts.get(a));
}
async function countWaiters(store, id) {
    const seen = new Set([id]);
    let frontier = [id];
    while (frontier.length > 0 && seen.size <= COUNT_CAP) {
        const edges = await store.waitersOf(frontier);
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