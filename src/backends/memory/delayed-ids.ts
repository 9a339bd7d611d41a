/** The longest a timer may be set for (setTimeout's limit). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Ids due at a later time, released in due order by one timer set for the earliest. The timer exists
 * only while something is delayed: an idle process keeps none. It does not keep the process alive (a
 * running runner does; without one nothing here would run what comes due), as on SQLite and Redis.
 */
export class DelayedIds {
  private entries: { ids: readonly string[]; dueAt: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerDueAt = Infinity;

  constructor(private readonly release: (ids: string[]) => void) {}

  add(ids: readonly string[], dueAt: number): void {
    let i = this.entries.length;
    while (i > 0 && this.entries[i - 1]!.dueAt > dueAt) i--;
    this.entries.splice(i, 0, { ids: [...ids], dueAt });
    if (dueAt < this.timerDueAt) this.arm(dueAt);
  }

  clear(): void {
    this.entries = [];
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDueAt = Infinity;
  }

  private arm(dueAt: number): void {
    clearTimeout(this.timer);
    this.timerDueAt = dueAt;
    // A delay past setTimeout's limit (about 24.8 days) would fire at once, and again, and again.
    this.timer = setTimeout(() => this.fire(), Math.min(Math.max(0, dueAt - Date.now()), MAX_TIMER_MS));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.timerDueAt = Infinity;
    const now = Date.now();
    const due: string[] = [];
    while (this.entries.length > 0 && this.entries[0]!.dueAt <= now) due.push(...this.entries.shift()!.ids);
    const next = this.entries[0];
    if (next) this.arm(next.dueAt);
    if (due.length) this.release(due);
  }
}
