import { wait } from "../util/flow.js";
/**
 * Would the edges `waiter -> waited` close a cycle? Walks "waits for" edges from the waited ids,
 * breadth first, level by level (one store call a level). A flow step (see util/flow.ts). Returns the cycle as a path that starts and
 * ends with the waiter, or undefined.
 */
export function* findWaitCycle(store, waiterId, waitedIds) {
    const cameFrom = new Map();
    let frontier = [];
    for (const id of waitedIds) {
        if (id === waiterId)
            return [waiterId, waiterId];
        if (!cameFrom.has(id)) {
            cameFrom.set(id, waiterId);
            frontier.push(id);
        }
    }
    while (frontier.length > 0) {
        const edges = yield* wait(store.waitingFor(frontier));
        const next = [];
        for (const [from, targets] of edges) {
            for (const to of targets) {
                if (to === waiterId)
                    return pathBack(cameFrom, from, waiterId);
                if (cameFrom.has(to))
                    continue;
                cameFrom.set(to, from);
                next.push(to);
            }
        }
        frontier = next;
    }
    return undefined;
}
function pathBack(cameFrom, last, waiterId) {
    const path = [last, waiterId];
    let node = last;
    while (node !== waiterId) {
        node = cameFrom.get(node);
        path.unshift(node);
    }
    return path;
}
//# sourceMappingURL=wait-cycle.js.map