import { FinalEvents } from "../../orchestrator/final-events.js";
import type { Notifier, Unsubscribe } from "../../orchestrator/notifier.js";

/** In-process events: a listener runs synchronously inside publish. */
export class MemoryNotifier implements Notifier {
  readonly inProcess = true;
  private readonly work = new Set<() => void>();
  private readonly finals = new FinalEvents();
  private readonly cancels = new Set<(id: string) => void>();

  onCancel(listener: (id: string) => void): Unsubscribe {
    this.cancels.add(listener);
    return () => this.cancels.delete(listener);
  }

  publishCancel(id: string): void {
    for (const listener of this.cancels) listener(id);
  }

  onWork(listener: () => void): Unsubscribe {
    this.work.add(listener);
    return () => this.work.delete(listener);
  }

  publishWork(): void {
    for (const listener of this.work) listener();
  }

  onFinal(id: string, listener: () => void): Unsubscribe {
    return this.finals.on(id, listener);
  }

  publishFinal(id: string): void {
    this.finals.publish(id);
  }

  async close(): Promise<void> {
    this.work.clear();
    this.cancels.clear();
    this.finals.clear();
  }
}
