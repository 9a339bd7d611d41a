export class MemoryStateBackend {
    invocations = new Map();
    children = new Map();
    outcomes = new Map();
    async saveInvocations(records) {
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
    async getInvocation(id) {
        return this.invocations.get(id);
    }
    async getInvocations(ids) {
        const out = [];
        for (const id of ids) {
            const record = this.invocations.get(id);
            if (record)
                out.push(record);
        }
        return out;
    }
    async getChildren(parentId) {
        return [...(this.children.get(parentId) ?? [])];
    }
    async setOutcome(id, outcome) {
        this.outcomes.set(id, outcome);
    }
    async getOutcome(id) {
        return this.outcomes.get(id);
    }
    async purge() {
        this.invocations.clear();
        this.children.clear();
        this.outcomes.clear();
    }
}
//# sourceMappingURL=memory-state-backend.js.map