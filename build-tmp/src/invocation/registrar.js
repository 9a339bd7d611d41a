import { isPromise } from "../util/awaitable.js";
import { flow, wait } from "../util/flow.js";
/**
 * Calls return at once; their registrations are written in one batch per tick (10,000 calls made in a
 * loop are one backend write). Batches are written in call order; with an in-process store a batch is
 * written synchronously at the end of the tick it was made in.
 */
export class Registrar {
    register;
    logger;
    batch = new Map();
    scheduled = false;
    writing = 0;
    tail = Promise.resolve();
    batchWritten;
    failures = new Map();
    constructor(register, logger) {
        this.register = register;
        this.logger = logger;
    }
    add(record, registrarId) {
        const list = this.batch.get(registrarId);
        if (list)
            list.push(record);
        else
            this.batch.set(registrarId, [record]);
        if (!this.scheduled) {
            this.scheduled = true;
            queueMicrotask(() => this.flush());
        }
    }
    /** Nothing waits to be written: every registration made so far is stored (or has failed). */
    get idle() {
        return !this.scheduled && this.writing === 0;
    }
    /** Resolves once every registration made so far has been written (or has failed). */
    settled() {
        if (!this.scheduled)
            return this.tail;
        // One promise per batch, shared by every caller of this tick.
        return (this.batchWritten ??= new Promise((resolve) => queueMicrotask(() => resolve(this.tail))));
    }
    /** The error that prevented this invocation's registration, if any. */
    failureOf(id) {
        return this.failures.get(id);
    }
    flush() {
        const batch = this.batch;
        this.batch = new Map();
        this.scheduled = false;
        this.batchWritten = undefined;
        if (this.writing > 0) {
            this.writing++;
            this.tail = this.tail.then(() => this.write(batch)).finally(() => this.writing--);
            return;
        }
        const written = this.write(batch);
        if (isPromise(written)) {
            this.writing++;
            this.tail = written.finally(() => this.writing--);
        }
    }
    write(batch) {
        return flow(this.writeFlow(batch));
    }
    *writeFlow(batch) {
        for (const [registrarId, records] of batch) {
            try {
                yield* wait(this.register(records, registrarId));
            }
            catch (error) {
                for (const r of records)
                    this.failures.set(r.id, error);
                this.logger.error(`Could not register ${records.length} invocation(s); they will not run`, { error });
            }
        }
    }
}
//# sourceMappingURL=registrar.js.map