/** Keeps awaited results from retention until the wait that reads them is recorded. */
export interface AwaitedHolds {
  holdAwaited(id: string): void;
  releaseAwaited(ids: Iterable<string>): void;
}

/**
 * The set of invocations one pause waits for, and the continuations to run once it resumes. Each id
 * is held from retention from its await until `releaseHolds` (once its wait edge is recorded, or the
 * wait is dropped).
 */
export class WaitBatch {
  readonly ids = new Set<string>();
  private readonly continuations: ((error?: unknown) => void)[] = [];
  private holding = true;

  constructor(private readonly holds: AwaitedHolds) {}

  add(id: string, resume: (error?: unknown) => void): void {
    if (!this.ids.has(id)) {
      this.ids.add(id);
      if (this.holding) this.holds.holdAwaited(id);
    }
    this.continuations.push(resume);
  }

  /** Let retention see the ids again (at most once). */
  releaseHolds(): void {
    if (!this.holding) return;
    this.holding = false;
    this.holds.releaseAwaited(this.ids);
  }

  /** Resume every await of the batch (with `error` when the wait failed). */
  release(error?: unknown): void {
    for (const resume of this.continuations) resume(error);
  }
}
