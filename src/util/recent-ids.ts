/** A bounded set of ids: the oldest fall out past `capacity`, so it cannot grow without limit. */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** True (and forgets it) if `id` was added. */
  take(id: string): boolean {
    return this.ids.delete(id);
  }
}
