export class MemoryStateBackend {
    invocations = new Map();
    children = new Map();
    outcomes = new Map();
    saveInvocations(records) {
        for (const record of records) {
            this.invocations.set(record.id, record);
            if (record.parentId === null)
                continue;
            const siblings = this.children.get(record.parentId);
            if (siblings)
                siblings.push(record.id);
            else
                this.children.set(record.parentId, [record.id]);
        }
    }
    getInvocation(id) {
        return this.invocations.get(id);
    }
    getInvocations(ids) {
        const out = [];
        for (const id of ids) {
            const record = this.invocations.get(id);
            if (record)
                out.push(record);
        }
        return out;
    }
    getChildren(parentId) {
        return [...(this.children.get(parentId) ?? [])];
    }
    setOutcome(id, outcome) {
        this.outcomes.set(id, outcome);
    }
    getOutcome(id) {
        return this.outcomes.get(id);
    }
    purge() {
        this.invocations.clear();
        this.children.clear();
        this.outcomes.clear();
    }
}
//# sourceMappingURL=memory-state-backend.js.map