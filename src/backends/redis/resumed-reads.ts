import type { Outcome } from "../../invocation/invocation-record.js";

/** How long a read-ahead answers (ms): a resumed task reads its results at once, or never. */
const FRESH_MS = 1000;
/** The most entries kept (the oldest dropped first). */
const MAX_KEPT = 10_000;

interface Entry<T> {
  readonly value: T;
  readonly at: number;
}

/**
 * The small outcomes of what a resumed invocation waited for and found final, which its resume read in
 * the same step (store-resume-2.lua), so that the awaits it goes on with need no outcome read. Each is
 * answered once, and only for a short while. Only the outcome, not the status: the await still reads
 * the status (batched per tick), which finds an invocation that retention purged meanwhile (a cancel
 * ended the waiter elsewhere, dropping its wait edges); the outcome of a final invocation never changes.
 */
export class ResumedReads {
  private readonly outcomes = new Map<string, Entry<Outcome>>();

  /** The outcome the resume read of `id`, which was final then. */
  put(id: string, outcome: Outcome): void {
    keep(this.outcomes, id, { value: outcome, at: performance.now() });
  }

  /** The outcome read ahead for `id`, taken (undefined: none, or too old). */
  outcome(id: string): Outcome | undefined {
    return take(this.outcomes, id);
  }
}

function keep<T>(map: Map<string, Entry<T>>, id: string, entry: Entry<T>): void {
  map.delete(id);
  if (map.size >= MAX_KEPT) map.delete(map.keys().next().value!);
  map.set(id, entry);
}

function take<T>(map: Map<string, Entry<T>>, id: string): T | undefined {
  if (map.size === 0) return undefined;
  const found = map.get(id);
  if (!found) return undefined;
  map.delete(id);
  return performance.now() - found.at <= FRESH_MS ? found.value : undefined;
}
