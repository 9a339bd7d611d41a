import type { Logger } from "../logging/index.js";
import type { InvocationRecord } from "./invocation-record.js";

type RegisterFn = (records: InvocationRecord[], registrarId: string | null) => Promise<void>;

/**
 * Calls return at once; their registrations are written in one batch per tick (10,000 calls made in a
 * loop are one backend write). Batches are written in call order.
 */
export class Registrar {
  private batch = new Map<string | null, InvocationRecord[]>();
  private scheduled = false;
  private writing = 0;
  private tail: Promise<void> = Promise.resolve();
  private readonly failures = new Map<string, unknown>();

  constructor(
    private readonly register: RegisterFn,
    private readonly logger: Logger,
  ) {}

  add(record: InvocationRecord, registrarId: string | null): void {
    const list = this.batch.get(registrarId);
    if (list) list.push(record);
    else this.batch.set(registrarId, [record]);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Nothing waits to be written: every registration made so far is stored (or has failed). */
  get idle(): boolean {
    return !this.scheduled && this.writing === 0;
  }

  /** Resolves once every registration made so far has been written (or has failed). */
  settled(): Promise<void> {
    return this.scheduled ? new Promise((resolve) => queueMicrotask(() => resolve(this.tail))) : this.tail;
  }

  /** The error that prevented this invocation's registration, if any. */
  failureOf(id: string): unknown {
    return this.failures.get(id);
  }

  private flush(): void {
    const batch = this.batch;
    this.batch = new Map();
    this.scheduled = false;
    this.writing++;
    const write = () => this.write(batch).finally(() => this.writing--);
    this.tail = this.writing === 1 ? write() : this.tail.then(write);
  }

  private async write(batch: Map<string | null, InvocationRecord[]>): Promise<void> {
    for (const [registrarId, records] of batch) {
      try {
        await this.register(records, registrarId);
      } catch (error) {
        for (const r of records) this.failures.set(r.id, error);
        this.logger.error(`Could not register ${records.length} invocation(s); they will not run`, { error });
      }
    }
  }
}
