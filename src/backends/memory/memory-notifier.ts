import type { Notifier, Unsubscribe } from "../../orchestrator/notifier.js";

/** In-process events: a listener runs synchronously inside publish. */
export class MemoryNotifier implements Notifier {
  private readonly work = new Set<() => void>();
  private readonly finals = new Map<string, Set<() => void>>();
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
    let set = this.finals.get(id);
    if (!set) this.finals.set(id, (set = new Set()));
    set.add(listener);
    return () => {
      const current = this.finals.get(id);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.finals.delete(id);
    };
  }

  publishFinal(id: string): void {
    const set = this.finals.get(id);
    if (!set) return;
    this.finals.delete(id);
    for (const listener of set) listener();
  }

  async close(): Promise<void> {
    this.work.clear();
    this.cancels.clear();
    this.finals.clear();
  }
}
