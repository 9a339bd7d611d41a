/** In-process events: a listener runs synchronously inside publish. */
export class MemoryNotifier {
    work = new Set();
    finals = new Map();
    onWork(listener) {
        this.work.add(listener);
        return () => this.work.delete(listener);
    }
    publishWork() {
        for (const listener of this.work)
            listener();
    }
    onFinal(id, listener) {
        let set = this.finals.get(id);
        if (!set)
            this.finals.set(id, (set = new Set()));
        set.add(listener);
        return () => {
            const current = this.finals.get(id);
            if (!current)
                return;
            current.delete(listener);
            if (current.size === 0)
                this.finals.delete(id);
        };
    }
    publishFinal(id) {
        const set = this.finals.get(id);
        if (!set)
            return;
        this.finals.delete(id);
        for (const listener of set)
            listener();
    }
    async close() {
        this.work.clear();
        this.finals.clear();
    }
}
//# sourceMappingURL=memory-notifier.js.map