/** An array used as a deque: popping advances a head index, compacted now and then. */
export class MemoryBroker {
    queue = [];
    head = 0;
    route(ids) {
        for (const id of ids)
            this.queue.push(id);
    }
    retrieve(max) {
        const end = Math.min(this.queue.length, this.head + max);
        const out = this.queue.slice(this.head, end);
        this.head = end;
        if (this.head > 4096 && this.head * 2 > this.queue.length) {
            this.queue = this.queue.slice(this.head);
            this.head = 0;
        }
        return out;
    }
    count() {
        return this.queue.length - this.head;
    }
    purge() {
        this.queue = [];
        this.head = 0;
    }
}
//# sourceMappingURL=memory-broker.js.map