/** The set of invocations one pause waits for, and the continuations to run once it resumes. */
export class WaitBatch {
  readonly ids = new Set<string>();
  private readonly continuations: ((error?: unknown) => void)[] = [];

  add(id: string, resume: (error?: unknown) => void): void {
    this.ids.add(id);
    this.continuations.push(resume);
  }

  /** Resume every await of the batch (with `error` when the wait failed). */
  release(error?: unknown): void {
    for (const resume of this.continuations) resume(error);
  }
}
