/** Ids of finished invocations with the time they finished, oldest first: what retention walks. */
export class FinishedQueue {
  private ids: string[] = [];
  private times: number[] = [];
  private head = 0;

  get size(): number {
    return this.ids.length - this.head;
  }

  push(id: string, at: number): void {
    this.ids.push(id);
    this.times.push(at);
  }

  /** Remove and return those finished before `olderThan`, and the oldest beyond `keepNewest`. */
  take(olderThan: number, keepNewest: number): string[] {
    const taken: string[] = [];
    while (this.head < this.ids.length && (this.size > keepNewest || this.times[this.head]! < olderThan)) {
      taken.push(this.ids[this.head]!);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.ids.length) {
      this.ids = this.ids.slice(this.head);
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return taken;
  }

  clear(): void {
    this.ids = [];
    this.times = [];
    this.head = 0;
  }
}
