import type { Outcome } from "../../invocation/invocation-record.js";

/** The longest outcome text a final message carries (a larger one is read from Redis, as before). */
export const MAX_CARRIED_OUTCOME = 1024;
/** The most outcomes kept waiting for their final move (one whose move never comes is dropped, oldest first). */
const MAX_KEPT = 10_000;

/** Whether a final message may carry `outcome` (small, its value not in the data store). */
export function carriable(outcome: Outcome): boolean {
  if (outcome.largeValueKey !== undefined) return false;
  return (outcome.ok ? outcome.value : outcome.error).length <= MAX_CARRIED_OUTCOME;
}

/** An outcome as a final message carries it: [ok, text]. */
export type CarriedOutcome = [ok: 0 | 1, text: string];

/**
 * Small outcomes handed from the state backend to the notifier, so that a final message carries them
 * and the callers it wakes need no outcome read. On the sending side: the outcome this process stored
 * for an invocation, until its final is published. On the receiving side: the outcomes of the message
 * being delivered, read by the listeners it runs (synchronously) and dropped after.
 */
export class FinalOutcomes {
  private readonly stored = new Map<string, CarriedOutcome>();
  private readonly arrived = new Map<string, CarriedOutcome>();

  /** `outcome` is now what Redis holds for `id` (undefined: unknown here, so nothing is carried). */
  keep(id: string, outcome: Outcome | undefined): void {
    this.stored.delete(id);
    if (!outcome || !carriable(outcome)) return;
    if (this.stored.size >= MAX_KEPT) this.stored.delete(this.stored.keys().next().value!);
    this.stored.set(id, [outcome.ok ? 1 : 0, outcome.ok ? outcome.value : outcome.error]);
  }

  /** The outcome stored here for `id`, taken for its final message. */
  take(id: string): CarriedOutcome | undefined {
    const found = this.stored.get(id);
    if (found) this.stored.delete(id);
    return found;
  }

  /** Runs `deliver` with the outcomes of a final message readable by `arrivedOutcome`. */
  delivering(outcomes: Readonly<Record<string, CarriedOutcome>>, deliver: () => void): void {
    for (const id in outcomes) this.arrived.set(id, outcomes[id]!);
    try {
      deliver();
    } finally {
      this.arrived.clear();
    }
  }

  /** The outcome of `id` if the final message being delivered carried it. */
  arrivedOutcome(id: string): Outcome | undefined {
    const found = this.arrived.get(id);
    if (!found) return undefined;
    return found[0] === 1 ? { ok: true, value: found[1] } : { ok: false, error: found[1] };
  }
}
