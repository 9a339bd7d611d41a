/**
 * The wait graph with a maintained "ready" set: invocations somebody waits for that wait for nothing
 * themselves. A Set keeps insertion order, so the oldest waited-on invocation comes first.
 */
export class MemoryWaitGraph {
  private readonly out = new Map<string, Set<string>>();
  private readonly into = new Map<string, Set<string>>();
  private readonly readySet = new Set<string>();

  add(waiter: string, waited: readonly string[]): void {
    if (waited.length === 0) return; // waiting for nothing is not waiting
    let targets = this.out.get(waiter);
    if (!targets) this.out.set(waiter, (targets = new Set()));
    for (const id of waited) {
      targets.add(id);
      let sources = this.into.get(id);
      if (!sources) this.into.set(id, (sources = new Set()));
      sources.add(waiter);
      if (!this.out.has(id)) this.readySet.add(id);
    }
    this.readySet.delete(waiter);
  }

  removeFrom(waiter: string): void {
    const targets = this.out.get(waiter);
    if (!targets) return;
    this.out.delete(waiter);
    for (const id of targets) this.unlink(waiter, id);
    if (this.into.has(waiter)) this.readySet.add(waiter);
  }

  /**
   * `id` reached a final status: its own edges go, the edges pointing at it stay until each waiter drops
   * them (they keep retention off its result), and it is no longer work anybody waits to run.
   */
  finished(id: string): void {
    this.removeFrom(id);
    this.readySet.delete(id);
  }

  /** Does some invocation still hold an edge to `id`? */
  hasWaiters(id: string): boolean {
    return this.into.has(id);
  }

  removeTo(waited: string): void {
    const sources = this.into.get(waited);
    this.into.delete(waited);
    this.readySet.delete(waited);
    if (!sources) return;
    for (const waiter of sources) {
      const targets = this.out.get(waiter);
      if (!targets) continue;
      targets.delete(waited);
      if (targets.size === 0) {
        this.out.delete(waiter);
        if (this.into.has(waiter)) this.readySet.add(waiter);
      }
    }
  }

  waitingFor(ids: readonly string[]): Map<string, string[]> {
    return collect(this.out, ids);
  }

  waitersOf(ids: readonly string[]): Map<string, string[]> {
    return collect(this.into, ids);
  }

  ready(): Iterable<string> {
    return this.readySet;
  }

  clear(): void {
    this.out.clear();
    this.into.clear();
    this.readySet.clear();
  }

  private unlink(waiter: string, waited: string): void {
    const sources = this.into.get(waited);
    if (!sources) return;
    sources.delete(waiter);
    if (sources.size === 0) {
      this.into.delete(waited);
      this.readySet.delete(waited);
    }
  }
}

function collect(edges: Map<string, Set<string>>, ids: readonly string[]): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const id of ids) {
    const set = edges.get(id);
    if (set && set.size > 0) result.set(id, [...set]);
  }
  return result;
}
