import { WaitBatch } from "./wait-batch.js";
/**
 * One running invocation on a runner. Awaits of other invocations' results made in the same tick form
 * one batch (so `Promise.all` is one pause); their continuations run only after the runner gives the
 * slot back, which keeps the number of RUNNING invocations within the slot count.
 */
export class Execution {
    invocation;
    runnerId;
    runnerLogger;
    host;
    state = "running";
    killed = false;
    pausedAt = 0;
    /** Cancels the subscription of a paused execution to its dependencies (set by the runner). */
    cancelWait;
    collecting;
    deferred;
    scopedLogger;
    constructor(invocation, runnerId, runnerLogger, host) {
        this.invocation = invocation;
        this.runnerId = runnerId;
        this.runnerLogger = runnerLogger;
        this.host = host;
    }
    /** Made on first use: most invocations at `info` never log, and a child logger is not free. */
    get logger() {
        return (this.scopedLogger ??= this.runnerLogger.child({
            invocation: this.invocation.id,
            task: this.invocation.task.id,
        }));
    }
    get id() {
        return this.invocation.id;
    }
    waitOn(waitedId, settled) {
        let batch;
        if (this.state === "done")
            return settled;
        if (this.state === "running") {
            batch = this.collecting ??= this.collect(new WaitBatch());
        }
        else {
            // Awaited while already waiting: handled as the next pause, once this one has resumed.
            batch = this.deferred ??= new WaitBatch();
        }
        batch.ids.add(waitedId);
        return batch.opened.then(() => settled);
    }
    collect(batch) {
        queueMicrotask(() => this.decide(batch));
        return batch;
    }
    decide(batch) {
        if (this.collecting === batch)
            this.collecting = undefined;
        if (this.state === "done" || this.killed)
            return batch.open();
        this.state = "waiting";
        this.host.suspend(this, [...batch.ids]).then(() => this.continueWith(batch, undefined), (error) => this.continueWith(batch, error));
    }
    continueWith(batch, error) {
        this.state = "running";
        if (error === undefined)
            batch.open();
        else
            batch.fail(error);
        const next = this.deferred;
        if (next) {
            this.deferred = undefined;
            this.collecting = this.collect(next);
        }
    }
}
//# sourceMappingURL=execution.js.map