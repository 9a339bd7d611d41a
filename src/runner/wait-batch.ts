/** The set of invocations one pause waits for, and the gate its awaiting code passes once resumed. */
export class WaitBatch {
  readonly ids = new Set<string>();
  readonly opened: Promise<void>;
  private resolveOpened!: () => void;
  private rejectOpened!: (error: unknown) => void;

  constructor() {
    this.opened = new Promise<void>((resolve, reject) => {
      this.resolveOpened = resolve;
      this.rejectOpened = reject;
    });
  }

  open(): void {
    this.resolveOpened();
  }

  fail(error: unknown): void {
    this.rejectOpened(error);
  }
}
