import { InvocationNotFoundError } from "../errors/errors.js";
import { InvocationStatus, isFinal, isRunnable, } from "../invocation/status.js";
import { findWaitCycle } from "./wait-cycle.js";
import { rankByWaiters } from "./priority.js";
const S = InvocationStatus;
/** Candidates fetched from the wait graph per claim, so the ranking sees more than it hands out. */
const PRIORITY_WINDOW = 64;
/**
 * The core of orchestration, written once over the backend interfaces: registration, the claim order,
 * pause and resume, finishing, killing. Backends only store; every rule lives here or in status.ts.
 */
export class Orchestrator {
    backend;
    logger;
    constructor(backend, logger) {
        this.backend = backend;
        this.logger = logger;
    }
    get store() {
        return this.backend.orchestratorStore;
    }
    async register(records, runnerId) {
        const at = Date.now();
        await this.backend.stateBackend.saveInvocations(records);
        await this.store.register(records, runnerId, at);
        // Routed only once everything about the invocation is stored, so a claim always finds it.
        await this.backend.broker.route(records.map((r) => r.id));
        if (this.logger.isEnabled("debug")) {
            for (const r of records) {
                this.logger.debug(`REGISTERED ${r.taskId}`, { invocation: r.id, parent: r.parentId ?? undefined });
            }
        }
        this.backend.notifier.publishWork();
    }
    async getRecord(id) {
        const record = await this.backend.stateBackend.getInvocation(id);
        if (!record) {
            throw new InvocationNotFoundError(`No invocation with id ${id} in backend "${this.backend.name}"; it may belong to another app or backend, or have been purged`);
        }
        return record;
    }
    status(id) {
        return this.store.getStatus(id);
    }
    statuses(ids) {
        return this.store.getStatuses(ids);
    }
    history(id) {
        return this.store.getHistory(id);
    }
    async transition(id, to, runnerId) {
        return this.store.transition(id, to, runnerId, Date.now());
    }
    /**
     * Claim up to `max` invocations for `runnerId` (moved to PENDING): first those others wait for, the
     * most waited-on first, then the broker queue in order. Stale queue entries are dropped.
     */
    async claim(runnerId, max) {
        if (max <= 0)
            return [];
        const candidates = await this.store.waitedOnRunnable(Math.max(max, PRIORITY_WINDOW));
        const ranked = candidates.length > max ? await rankByWaiters(this.store, candidates) : candidates;
        const claimed = ranked.length ? await this.store.claim(ranked.slice(0, max), runnerId, Date.now()) : [];
        while (claimed.length < max) {
            const ids = await this.backend.broker.retrieve(max - claimed.length);
            if (ids.length === 0)
                break;
            // Stale and duplicate queue entries (already claimed through the wait graph) are skipped here.
            for (const id of await this.store.claim(ids, runnerId, Date.now()))
                claimed.push(id);
        }
        return claimed.length ? this.backend.stateBackend.getInvocations(claimed) : [];
    }
    /**
     * RUNNING -> PAUSED, recording what it waits for. The edges go in first and the cycle check runs after,
     * so two waits racing to close a cycle both see it (and both fail) instead of both pausing forever.
     * Returns the cycle, in which case nothing changed, or undefined once paused.
     */
    async pause(waiterId, waitedIds, runnerId) {
        await this.store.addWaits(waiterId, waitedIds);
        const cycle = await findWaitCycle(this.store, waiterId, waitedIds);
        if (cycle) {
            await this.store.removeWaitsOf(waiterId);
            return cycle;
        }
        await this.store.transition(waiterId, S.PAUSED, runnerId, Date.now());
        return undefined;
    }
    /**
     * Calls `listener` once every id in `ids` is final. Subscribes before checking, so a status reached in
     * between is never missed. Returns a function that cancels the subscription.
     */
    whenAllFinal(ids, listener) {
        let remaining = ids.length;
        let done = false;
        const unsubs = [];
        const seen = new Set();
        const arrive = (id) => {
            if (done || seen.has(id))
                return;
            seen.add(id);
            if (--remaining === 0) {
                done = true;
                listener();
            }
        };
        for (const id of ids)
            unsubs.push(this.backend.notifier.onFinal(id, () => arrive(id)));
        void this.store.getStatuses(ids).then((records) => {
            records.forEach((r, i) => {
                if (r && isFinal(r.status))
                    arrive(ids[i]);
            });
        });
        return () => {
            done = true;
            for (const u of unsubs)
                u();
        };
    }
    /** Store the outcome, move to SUCCESS/FAILED, release the wait graph and wake whoever waits. */
    async finish(id, outcome, runnerId) {
        await this.backend.stateBackend.setOutcome(id, outcome);
        await this.store.transition(id, outcome.ok ? S.SUCCESS : S.FAILED, runnerId, Date.now(), { clearWaits: true });
        this.backend.notifier.publishFinal(id);
    }
    /** Runner shutdown: KILLED then REROUTED and back in the queue for another runner. */
    async killAndReroute(id, runnerId) {
        await this.store.transition(id, S.KILLED, runnerId, Date.now());
        await this.store.removeWaitsOf(id);
        await this.store.transition(id, S.REROUTED, runnerId, Date.now());
        await this.backend.broker.route([id]);
        this.backend.notifier.publishWork();
    }
}
//# sourceMappingURL=orchestrator.js.map