import type { Unsubscribe } from "./notifier.js";

/** "X is final" listeners in this process: each runs once, synchronously inside `publish`. */
export class FinalEvents {
  private readonly listeners = new Map<string, Set<() => void>>();

  on(id: string, listener: () => void): Unsubscribe {
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(listener);
    return () => {
      const current = this.listeners.get(id);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.listeners.delete(id);
    };
  }

  publish(id: string): void {
    const set = this.listeners.get(id);
    if (!set) return;
    this.listeners.delete(id);
    for (const listener of set) listener();
  }

  /** How many invocations have listeners. */
  get size(): number {
    return this.listeners.size;
  }

  clear(): void {
    this.listeners.clear();
  }
}
