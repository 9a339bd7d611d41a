import { InvocationNotFoundError } from "../errors/errors.js";
import { InvocationStatus, isFinal } from "../invocation/status.js";
import { isPromise } from "../util/awaitable.js";
import { flow, wait } from "../util/flow.js";
import { rankByWaiters } from "./priority.js";
import { findWaitCycle } from "./wait-cycle.js";
const S = InvocationStatus;
/** Candidates fetched from the wait graph per claim, so the ranking sees more than it hands out. */
const PRIORITY_WINDOW = 64;
/**
 * The core of orchestration, written once over the backend interfaces: registration, the claim order,
 * pause and resume, finishing, killing. Backends only store; every rule lives here or in status.ts.
 * Store calls use `isPromise(r) ? await r : r` so in-process stores cost no extra promise.
 */
export class Orchestrator {
    backend;
    logger;
    events;
    constructor(backend, logger, events) {
        this.backend = backend;
        this.logger = logger;
        this.events = events;
    }
    get store() {
        return this.backend.orchestratorStore;
    }
    register(records, runnerId) {
        return flow(this.registerFlow(records, runnerId));
    }
    *registerFlow(records, runnerId) {
        const at = Date.now();
        const ids = records.map((r) => r.id);
        yield* wait(this.backend.stateBackend.saveInvocations(records));
        yield* wait(this.store.register(records, runnerId, at));
        this.emitStatus(ids, S.REGISTERED, runnerId, at);
        // Routed only once everything about the invocation is stored, so a claim always finds it.
        yield* wait(this.backend.broker.route(ids));
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
    outcome(id) {
        return this.backend.stateBackend.getOutcome(id);
    }
    /** One validated status change (see status.ts), announced to `invocation:status` listeners. */
    transition(id, to, runnerId, options) {
        const result = this.store.transition(id, to, runnerId, Date.now(), options);
        if (!this.events.hasListeners("invocation:status"))
            return result;
        if (isPromise(result))
            return result.then((record) => this.announce(id, to, runnerId, record));
        return this.announce(id, to, runnerId, result);
    }
    /**
     * Claim up to `max` invocations for `runnerId` (moved to PENDING): first those others wait for, the
     * most waited-on first, then the broker queue in order. Stale queue entries are dropped.
     */
    claim(runnerId, max) {
        return max <= 0 ? [] : flow(this.claimFlow(runnerId, max));
    }
    *claimFlow(runnerId, max) {
        const candidates = yield* wait(this.store.waitedOnRunnable(Math.max(max, PRIORITY_WINDOW)));
        const ranked = candidates.length > max ? yield* rankByWaiters(this.store, candidates) : candidates;
        const claimed = ranked.length ? yield* wait(this.store.claim(ranked.slice(0, max), runnerId, Date.now())) : [];
        while (claimed.length < max) {
            const ids = yield* wait(this.backend.broker.retrieve(max - claimed.length));
            if (ids.length === 0)
                break;
            // Stale and duplicate queue entries (already claimed through the wait graph) are skipped here.
            for (const id of yield* wait(this.store.claim(ids, runnerId, Date.now())))
                claimed.push(id);
        }
        if (claimed.length === 0)
            return [];
        this.emitStatus(claimed, S.PENDING, runnerId, Date.now());
        return yield* wait(this.backend.stateBackend.getInvocations(claimed));
    }
    /**
     * RUNNING -> PAUSED, recording what it waits for. The edges go in first and the cycle check runs after,
     * so two waits racing to close a cycle both see it (and both fail) instead of both pausing forever.
     * Returns the cycle, in which case nothing changed, or undefined once paused.
     */
    pause(waiterId, waitedIds, runnerId) {
        return flow(this.pauseFlow(waiterId, waitedIds, runnerId));
    }
    *pauseFlow(waiterId, waitedIds, runnerId) {
        yield* wait(this.store.addWaits(waiterId, waitedIds));
        const cycle = yield* findWaitCycle(this.store, waiterId, waitedIds);
        if (cycle) {
            yield* wait(this.store.removeWaitsOf(waiterId));
            return cycle;
        }
        yield* wait(this.transition(waiterId, S.PAUSED, runnerId));
        return undefined;
    }
    /**
     * Calls `listener` once every id in `ids` is final. Subscribes before checking, so a status reached in
     * between is never missed; may call `listener` before returning. Returns a cancel function.
     */
    whenAllFinal(ids, listener) {
        let remaining = ids.length;
        let done = false;
        const arrived = new Set();
        const arrive = (id) => {
            if (done || arrived.has(id))
                return;
            arrived.add(id);
            if (--remaining === 0) {
                done = true;
                listener();
            }
        };
        const unsubs = ids.map((id) => this.backend.notifier.onFinal(id, () => arrive(id)));
        const check = (records) => records.forEach((r, i) => r && isFinal(r.status) && arrive(ids[i]));
        const records = this.store.getStatuses(ids);
        if (isPromise(records))
            records.then(check, (error) => this.logger.error("Status check failed", { error }));
        else
            check(records);
        return () => {
            done = true;
            for (const unsubscribe of unsubs)
                unsubscribe();
        };
    }
    /** Store the outcome, move to SUCCESS/FAILED, release the wait graph and wake whoever waits. */
    finish(id, outcome, runnerId) {
        return flow(this.finishFlow(id, outcome, runnerId));
    }
    *finishFlow(id, outcome, runnerId) {
        yield* wait(this.backend.stateBackend.setOutcome(id, outcome));
        yield* wait(this.transition(id, outcome.ok ? S.SUCCESS : S.FAILED, runnerId, { clearWaits: true }));
        this.backend.notifier.publishFinal(id);
    }
    /** Runner shutdown: KILLED then REROUTED and back in the queue for another runner. */
    async killAndReroute(id, runnerId) {
        await this.transition(id, S.KILLED, runnerId, { clearWaits: true });
        await this.transition(id, S.REROUTED, runnerId);
        await this.reroute(id);
    }
    /** Put an invocation already in a runnable status back in the queue, and wake the runners. */
    async reroute(id) {
        await this.backend.broker.route([id]);
        this.backend.notifier.publishWork();
    }
    announce(id, to, runnerId, record) {
        this.events.emit("invocation:status", { invocationId: id, status: to, runnerId, at: record.at });
        return record;
    }
    /** Tell listeners; skipped entirely (no payload built) when nobody listens. */
    emitStatus(ids, status, runnerId, at) {
        if (!this.events.hasListeners("invocation:status"))
            return;
        for (const invocationId of ids)
            this.events.emit("invocation:status", { invocationId, status, runnerId, at });
    }
}
//# sourceMappingURL=orchestrator.js.map