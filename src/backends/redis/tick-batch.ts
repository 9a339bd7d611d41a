interface Waiter<A> {
  resolve(answer: A): void;
  reject(error: unknown): void;
}

export interface TickBatchOptions {
  /**
   * When the call for a batch of several items fails with an error this accepts, send each item again
   * on its own, so each gets the answer or the error it would have got alone. Only for reads (a change
   * sent again may apply twice), and only for errors one item can cause: a lost connection fails them all.
   */
  readonly retryAlone?: (error: unknown) => boolean;
  /**
   * Gather the items of this many ms (from the first) instead of one tick: for requests whose answer
   * nobody waits on, so that a steady trickle makes one call, not one per tick. The timer is unref'd;
   * `flushNow` sends what waits at once.
   */
  readonly delayMs?: number;
}

/** An error Redis answered (a script's error, a wrong type), not one of the connection. */
export function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === "ReplyError";
}

/**
 * Requests of one kind made in the same tick go to Redis as one call: `send` gets every item of the
 * tick, in the order they came, and answers with one answer per item. The call leaves once the current
 * tick's synchronous code and microtasks have run (process.nextTick), so a burst costs one round trip
 * and a lone request waits for no timer (unless `delayMs` asks to wait).
 */
export class TickBatch<Item, Answer> {
  private items: Item[] = [];
  private waiters: Waiter<Answer>[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: (items: readonly Item[]) => Promise<readonly Answer[]>,
    private readonly options: TickBatchOptions = {},
  ) {}

  request(item: Item): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      if (this.items.length === 0) this.schedule();
      this.items.push(item);
      this.waiters.push({ resolve, reject });
    });
  }

  /**
   * Sends what waits now (a delayed batch before its timer). Resolves once that call has settled (its
   * waiters have their answers or errors); never rejects.
   */
  flushNow(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.flush();
  }

  private schedule(): void {
    const delay = this.options.delayMs;
    if (!delay) return process.nextTick(() => void this.flush());
    this.timer = setTimeout(() => void this.flushNow(), delay);
    this.timer.unref();
  }

  private flush(): Promise<void> {
    if (this.items.length === 0) return Promise.resolve();
    const items = this.items;
    const waiters = this.waiters;
    this.items = [];
    this.waiters = [];
    return this.call(items, waiters).catch((error: unknown) => {
      if (items.length === 1 || !this.options.retryAlone?.(error)) {
        for (const waiter of waiters) waiter.reject(error);
        return;
      }
      items.forEach((item, i) => {
        const waiter = waiters[i]!;
        this.call([item], [waiter]).catch((alone: unknown) => waiter.reject(alone));
      });
    });
  }

  private async call(items: readonly Item[], waiters: readonly Waiter<Answer>[]): Promise<void> {
    const answers = await this.send(items);
    waiters.forEach((waiter, i) => waiter.resolve(answers[i]!));
  }
}
