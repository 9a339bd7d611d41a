import { InvocationNotFoundError } from "../../errors/errors.js";
import { INITIAL_STATUS, InvocationStatus, isRunnable, transition, } from "../../invocation/status.js";
import { MemoryWaitGraph } from "./memory-wait-graph.js";
/** One JavaScript thread makes every method atomic: nothing awaits between read and write. */
export class MemoryOrchestratorStore {
    entries = new Map();
    graph = new MemoryWaitGraph();
    seq = 0;
    register(items, runnerId, at) {
        for (const item of items) {
            const record = { status: INITIAL_STATUS, owner: null, at };
            const history = [{ status: INITIAL_STATUS, runnerId, at, seq: ++this.seq }];
            this.entries.set(item.id, { record, taskId: item.taskId, history });
        }
    }
    transition(id, to, runnerId, at, options) {
        const entry = this.entries.get(id);
        if (!entry)
            throw new InvocationNotFoundError(`No invocation with id ${id} in the memory backend`);
        const record = this.apply(id, entry, to, runnerId, at);
        if (options?.clearWaits) {
            this.graph.removeFrom(id);
            this.graph.removeTo(id);
        }
        return record;
    }
    claim(ids, runnerId, at) {
        const claimed = [];
        for (const id of ids) {
            const entry = this.entries.get(id);
            if (!entry || !isRunnable(entry.record.status))
                continue;
            this.apply(id, entry, InvocationStatus.PENDING, runnerId, at);
            claimed.push(id);
        }
        return claimed;
    }
    apply(id, entry, to, runnerId, at) {
        const record = transition(id, entry.record, to, runnerId, at);
        entry.record = record;
        entry.history.push({ status: to, runnerId, at, seq: ++this.seq });
        return record;
    }
    getStatus(id) {
        return this.entries.get(id)?.record;
    }
    getStatuses(ids) {
        return ids.map((id) => this.entries.get(id)?.record);
    }
    getHistory(id) {
        return [...(this.entries.get(id)?.history ?? [])];
    }
    findByStatus(statuses, taskId) {
        const out = [];
        for (const [id, entry] of this.entries) {
            if (statuses.includes(entry.record.status) && (taskId === undefined || entry.taskId === taskId)) {
                out.push(id);
            }
        }
        return out;
    }
    addWaits(waiterId, waitedIds) {
        this.graph.add(waiterId, waitedIds);
    }
    removeWaitsOf(waiterId) {
        this.graph.removeFrom(waiterId);
    }
    removeWaitsOn(waitedId) {
        this.graph.removeTo(waitedId);
    }
    waitingFor(ids) {
        return this.graph.waitingFor(ids);
    }
    waitersOf(ids) {
        return this.graph.waitersOf(ids);
    }
    waitedOnRunnable(limit) {
        const out = [];
        if (limit <= 0)
            return out;
        for (const id of this.graph.ready()) {
            const entry = this.entries.get(id);
            if (entry && isRunnable(entry.record.status)) {
                out.push(id);
                if (out.length >= limit)
                    break;
            }
        }
        return out;
    }
    purge() {
        this.entries.clear();
        this.graph.clear();
    }
}
//# sourceMappingURL=memory-orchestrator-store.js.map