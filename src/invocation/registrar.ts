import type { Logger } from "../logging/index.js";
import { isPromise, type Awaitable } from "../util/awaitable.js";
import { flow, type Flow } from "../util/flow.js";
import type { InvocationRecord } from "./invocation-record.js";

type RegisterFn = (records: InvocationRecord[], registrarId: string | null) => Awaitable<void>;
/** Records of one tick, grouped by who registered them (usually all by one). */
type Batch = Map<string | null, InvocationRecord[]>;

/**
 * Calls return at once; their registrations are written in one batch per tick (10,000 calls made in a
 * loop are one backend write). Batches are written in call order; with an in-process store a batch is
 * written synchronously at the end of the tick it was made in.
 */
export class Registrar {
  private batch: Batch = new Map();
  private scheduled = false;
  private writing = 0;
  private tail: Promise<void> = Promise.resolve();
  private batchWritten: Promise<void> | undefined;
  private readonly failures = new Map<string, Error>();
  /** Registrations decided at the call, written outside the batches (see `track`), until they settle. */
  private readonly decided = new Set<Promise<void>>();

  constructor(
    private readonly register: RegisterFn,
    private readonly logger: Logger,
    /** Called with the records whose registration failed (they will never run). */
    private readonly discarded: (records: readonly InvocationRecord[]) => void = () => {},
  ) {}

  add(record: InvocationRecord, registrarId: string | null): void {
    if (!this.scheduled) {
      this.scheduled = true;
      this.batch = new Map([[registrarId, [record]]]);
      queueMicrotask(this.flushNow);
      return;
    }
    const list = this.batch.get(registrarId);
    if (list) list.push(record);
    else this.batch.set(registrarId, [record]);
  }

  private readonly flushNow = () => this.flush();

  /**
   * A registration the backend decides at the call (registration concurrency, result cache), written
   * by its caller on an asynchronous store: `idle` and `settled()` count it until it settles.
   */
  track(answer: Promise<unknown>): void {
    const done = answer.then(ignore, ignore);
    this.decided.add(done);
    void done.then(() => this.decided.delete(done));
  }

  /** Nothing waits to be written: every registration made so far is stored (or has failed). */
  get idle(): boolean {
    return !this.scheduled && this.writing === 0 && this.decided.size === 0;
  }

  /** Resolves once every registration made so far has been written (or has failed). */
  settled(): Promise<void> {
    const batches = this.batchesSettled();
    if (this.decided.size === 0) return batches;
    return Promise.all([batches, ...this.decided]).then(ignore);
  }

  private batchesSettled(): Promise<void> {
    if (!this.scheduled) return this.tail;
    // One promise per batch, shared by every caller of this tick.
    return (this.batchWritten ??= new Promise((resolve) => queueMicrotask(() => resolve(this.tail))));
  }

  /** The error that prevented this invocation's registration, if any. */
  failureOf(id: string): Error | undefined {
    return this.failures.get(id);
  }

  private flush(): void {
    const batch = this.batch;
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

  private write(batch: Batch): Awaitable<void> {
    return flow(this.writeFlow(batch));
  }

  private *writeFlow(batch: Batch): Flow<void> {
    for (const [registrarId, records] of batch) {
      try {
        yield this.register(records, registrarId);
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        for (const r of records) this.failures.set(r.id, failure);
        this.discarded(records);
        this.logger.error(`Could not register ${records.length} invocation(s); they will not run`, { error });
      }
    }
  }
}

function ignore(): void {}
