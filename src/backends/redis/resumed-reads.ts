import type { Outcome } from "../../invocation/invocation-record.js";
import type { StatusRecord } from "../../invocation/status.js";
import { outcomeOf, type StoredOutcome } from "./redis-state-backend.js";
import { recordOf } from "./redis-store-changes.js";

/** How long a read-ahead answers (ms): a resumed task reads its results at once, or never. */
const FRESH_MS = 1000;
/** The most entries kept (the oldest dropped first). */
const MAX_KEPT = 10_000;

interface Entry<T> {
  readonly value: T;
  readonly at: number;
}

/**
 * The small outcomes of what a resumed invocation waited for and found final, with their final status
 * records, which its resume read in the same step (store-resume-2.lua), so that the awaits it goes on
 * with read nothing from Redis. Each is answered once, and only for a short while. A final status never
 * changes (status.ts: a final status has no next), so the record read at the resume is the record now,
 * unless retention purged the invocation since (a cancel ended the waiter elsewhere, dropping its wait
 * edges): then the await delivers the value it had, as it would have a moment earlier. A status is
 * answered only while its outcome is here too, so an await never finds the status here and then misses
 * the outcome of a purged invocation in Redis.
 */
export class ResumedReads {
  private readonly outcomes = new Map<string, Entry<Outcome>>();
  private readonly statuses = new Map<string, Entry<StatusRecord>>();

  /** The outcome and final status record the resume read of `id`. */
  put(id: string, outcome: Outcome, record?: StatusRecord): void {
    const at = performance.now();
    keep(this.outcomes, id, { value: outcome, at });
    if (record) keep(this.statuses, id, { value: record, at });
  }

  /**
   * What a resume answered of the waited ones (include/resume.lua's `waited`: id, status, owner, at,
   * stored outcome, as strings or Buffers): those with a small outcome are kept.
   */
  putWaited(waited: readonly unknown[]): void {
    for (let i = 0; i + 4 < waited.length; i += 5) {
      const stored = waited[i + 4] as readonly (string | Buffer)[] | null;
      const outcome = stored ? outcomeOf(stored.map(String) as StoredOutcome) : undefined;
      if (!outcome) continue;
      const record = recordOf([waited[i + 1], waited[i + 2], waited[i + 3]].map(String));
      this.put(String(waited[i]), outcome, record);
    }
  }

  /** The outcome read ahead for `id`, taken (undefined: none, or too old). */
  outcome(id: string): Outcome | undefined {
    return take(this.outcomes, id);
  }

  /** The final status record read ahead for `id`, taken, while its outcome is still here to read. */
  status(id: string): StatusRecord | undefined {
    const record = take(this.statuses, id);
    if (!record) return undefined;
    const outcome = this.outcomes.get(id);
    return outcome && performance.now() - outcome.at <= FRESH_MS ? record : undefined;
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
