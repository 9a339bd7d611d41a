import type { Broker } from "../../broker/broker.js";
import { DelayedIds } from "./delayed-ids.js";

/** An array used as a deque: popping advances a head index, compacted now and then. */
export class MemoryBroker implements Broker {
  private queue: string[] = [];
  private head = 0;
  private readonly delayed = new DelayedIds((ids) => {
    this.route(ids);
    this.onDue?.();
  });

  /** @param onDue called after delayed ids were routed (the bundle wakes its runners with it). */
  constructor(private readonly onDue?: () => void) {}

  routeAt(ids: readonly string[], dueAt: number): void {
    if (dueAt <= Date.now()) return this.route(ids);
    this.delayed.add(ids, dueAt);
  }

  route(ids: readonly string[]): void {
    for (const id of ids) this.queue.push(id);
  }

  unroute(ids: readonly string[]): void {
    const dropped = new Set(ids);
    let at = this.head;
    while (at < this.queue.length && !dropped.has(this.queue[at]!)) at++;
    if (at === this.queue.length) return; // none queued (the usual case): nothing is copied
    this.queue = this.queue.slice(this.head).filter((id) => !dropped.has(id));
    this.head = 0;
  }

  retrieve(max: number): string[] {
    const end = Math.min(this.queue.length, this.head + max);
    const out = this.queue.slice(this.head, end);
    this.head = end;
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  count(): number {
    return this.queue.length - this.head;
  }

  /** Drop delayed ids and their timer (the backend is closing). */
  dispose(): void {
    this.delayed.clear();
  }

  purge(): void {
    this.delayed.clear();
    this.queue = [];
    this.head = 0;
  }
}
