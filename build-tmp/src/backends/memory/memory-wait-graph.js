/**
 * The wait graph with a maintained "ready" set: invocations somebody waits for that wait for nothing
 * themselves. A Set keeps insertion order, so the oldest waited-on invocation comes first.
 */
export class MemoryWaitGraph {
    out = new Map();
    into = new Map();
    readySet = new Set();
    add(waiter, waited) {
        if (waited.length === 0)
            return; // waiting for nothing is not waiting
        let targets = this.out.get(waiter);
        if (!targets)
            this.out.set(waiter, (targets = new Set()));
        for (const id of waited) {
            targets.add(id);
            let sources = this.into.get(id);
            if (!sources)
                this.into.set(id, (sources = new Set()));
            sources.add(waiter);
            if (!this.out.has(id))
                this.readySet.add(id);
        }
        this.readySet.delete(waiter);
    }
    removeFrom(waiter) {
        const targets = this.out.get(waiter);
        if (!targets)
            return;
        this.out.delete(waiter);
        for (const id of targets)
            this.unlink(waiter, id);
        if (this.into.has(waiter))
            this.readySet.add(waiter);
    }
    removeTo(waited) {
        const sources = this.into.get(waited);
        this.into.delete(waited);
        this.readySet.delete(waited);
        if (!sources)
            return;
        for (const waiter of sources) {
            const targets = this.out.get(waiter);
            if (!targets)
                continue;
            targets.delete(waited);
            if (targets.size === 0) {
                this.out.delete(waiter);
                if (this.into.has(waiter))
                    this.readySet.add(waiter);
            }
        }
    }
    waitingFor(ids) {
        return collect(this.out, ids);
    }
    waitersOf(ids) {
        return collect(this.into, ids);
    }
    ready() {
        return this.readySet;
    }
    clear() {
        this.out.clear();
        this.into.clear();
        this.readySet.clear();
    }
    unlink(waiter, waited) {
        const sources = this.into.get(waited);
        if (!sources)
            return;
        sources.delete(waiter);
        if (sources.size === 0) {
            this.into.delete(waited);
            this.readySet.delete(waited);
        }
    }
}
function collect(edges, ids) {
    const result = new Map();
    for (const id of ids) {
        const set = edges.get(id);
        if (set && set.size > 0)
            result.set(id, [...set]);
    }
    return result;
}
//# sourceMappingURL=memory-wait-graph.js.map