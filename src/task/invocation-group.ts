import { currentExecution, executionStorage } from "../invocation/context.js";
import type { Invocation } from "../invocation/invocation.js";
import type { InvocationStatus } from "../invocation/status.js";

/** One finished member of a group, as `asCompleted()` yields it; `index` is its place in the input. */
export type GroupOutcome<R> =
  | { readonly invocation: Invocation<R>; readonly index: number; readonly ok: true; readonly value: R }
  | {
      readonly invocation: Invocation<R>;
      readonly index: number;
      readonly ok: false;
      readonly error: unknown;
    };

/**
 * The invocations of one `task.parallelize(argsList)` call, in input order. Results come back in input
 * order (unlike Pynenc's completion-order `results`); `asCompleted()` gives completion order.
 */
export class InvocationGroup<R> implements Iterable<Invocation<R>>, AsyncIterable<GroupOutcome<R>> {
  readonly invocations: readonly Invocation<R>[];

  constructor(invocations: readonly Invocation<R>[]) {
    this.invocations = Object.freeze([...invocations]);
  }

  get size(): number {
    return this.invocations.length;
  }

  /**
   * Every result, in input order; rejects with the first failure to arrive, as `Promise.all` does.
   * Inside a task this is one pause for the whole group, so the failure seen is the first in input order.
   */
  results(): Promise<R[]> {
    // Every `.result` read in the same tick: the runner makes them one pause, not one per invocation.
    return Promise.all(this.invocations.map((invocation) => invocation.result));
  }

  /** Never rejects: one settled result per invocation, in input order (one pause inside a task). */
  settled(): Promise<PromiseSettledResult<R>[]> {
    return Promise.allSettled(this.invocations.map((invocation) => invocation.result));
  }

  /**
   * Outcomes in completion order, failures included; stopping early (`break`) is fine. Inside a task, a
   * `next()` with nothing ready pauses (freeing the slot) until the first unfinished one in input order
   * completes, then yields, in completion order, everything that completed meanwhile.
   */
  asCompleted(): AsyncIterableIterator<GroupOutcome<R>> {
    return new CompletionIterator(this.invocations);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<GroupOutcome<R>> {
    return this.asCompleted();
  }

  [Symbol.iterator](): Iterator<Invocation<R>> {
    return this.invocations[Symbol.iterator]();
  }

  /** How many invocations are in each status right now, e.g. `{ SUCCESS: 10, RUNNING: 2 }`. */
  async statusCounts(): Promise<Partial<Record<InvocationStatus, number>>> {
    const statuses = await Promise.all(this.invocations.map((invocation) => invocation.status()));
    const counts: Partial<Record<InvocationStatus, number>> = {};
    for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  }

  toString(): string {
    return `InvocationGroup(${this.size})`;
  }
}

type Step<R> = IteratorResult<GroupOutcome<R>, undefined>;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * Subscribes once to every result and queues outcomes as they arrive, so a group of any size costs
 * O(n) in all. Outside a task, a waiting `next()` is woken by the next completion.
 */
class CompletionIterator<R> implements AsyncIterableIterator<GroupOutcome<R>> {
  private readonly ready = new Queue<GroupOutcome<R>>();
  private readonly waiters = new Queue<(step: Step<R>) => void>();
  private readonly finished: Uint8Array;
  private unfinished: number;
  /** Every index below it is finished: where a task looks for the next invocation to pause on. */
  private cursor = 0;
  private closed = false;

  constructor(private readonly invocations: readonly Invocation<R>[]) {
    this.finished = new Uint8Array(invocations.length);
    this.unfinished = invocations.length;
    // Observed outside any task scope: watching completions must not pause the task that iterates.
    executionStorage.exit(() => invocations.forEach((invocation, index) => this.watch(invocation, index)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<Step<R>> {
    for (;;) {
      const step = this.take();
      if (step) return step;
      if (!currentExecution()) return new Promise<Step<R>>((resolve) => this.waiters.push(resolve));
      await this.pauseOnNext();
    }
  }

  async return(): Promise<Step<R>> {
    this.close();
    return DONE;
  }

  /** A ready step (an outcome, or the end), or undefined when the caller has to wait. */
  private take(): Step<R> | undefined {
    if (this.closed) return DONE;
    const outcome = this.ready.shift();
    if (outcome) return { done: false, value: outcome };
    return this.unfinished === 0 ? DONE : undefined;
  }

  /** Inside a task: wait through the runner, which frees the slot, for the first unfinished invocation. */
  private async pauseOnNext(): Promise<void> {
    while (this.finished[this.cursor]) this.cursor++;
    const index = this.cursor;
    const waitError = await this.invocations[index]!.result.then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    // Its own failure is already queued by `watch`; still unfinished means the wait itself failed.
    if (waitError && !this.finished[index] && !this.closed) {
      this.close();
      throw waitError.error;
    }
  }

  private watch(invocation: Invocation<R>, index: number): void {
    void invocation.result.then(
      (value) => this.complete({ invocation, index, ok: true, value }),
      (error: unknown) => this.complete({ invocation, index, ok: false, error }),
    );
  }

  private complete(outcome: GroupOutcome<R>): void {
    this.finished[outcome.index] = 1;
    this.unfinished--;
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter({ done: false, value: outcome });
    else this.ready.push(outcome);
    if (this.unfinished === 0) this.endWaiters();
  }

  private close(): void {
    this.closed = true;
    this.ready.clear();
    this.endWaiters();
  }

  private endWaiters(): void {
    for (let waiter = this.waiters.shift(); waiter; waiter = this.waiters.shift()) waiter(DONE);
  }
}

/** A FIFO with O(1) shift: Array#shift may copy the array, making 10,000 completions quadratic. */
class Queue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) this.clear();
    return item;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
