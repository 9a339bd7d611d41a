import type { Broker } from "../broker/broker.js";
import type { StateBackend } from "../state-backend/state-backend.js";
import type { InvocationRecord } from "../invocation/invocation-record.js";
import type { Logger } from "../logging/index.js";
import type { Flow } from "../util/flow.js";

/** Is any of these records a delayed call's? (A plain loop: the usual batch has none.) */
export function anyDelayed(records: readonly InvocationRecord[]): boolean {
  for (const r of records) if (r.dueAt !== undefined) return true;
  return false;
}

/**
 * Queue newly registered invocations: those of a delayed call (`dueAt` later than now) through
 * `Broker.routeAt`, which holds them back with the one timer per process it keeps for retries; the rest
 * at once.
 */
export function* routeWhenDue(
  broker: Broker,
  records: readonly InvocationRecord[],
  ids: readonly string[],
  logger: Logger,
): Flow<void> {
  const now = Date.now();
  let later: Map<number, string[]> | undefined;
  for (const r of records) {
    if (r.dueAt === undefined || r.dueAt <= now) continue;
    later ??= new Map();
    const due = later.get(r.dueAt);
    if (due) due.push(r.id);
    else later.set(r.dueAt, [r.id]);
  }
  if (!later) {
    yield broker.route(ids);
    return;
  }
  const held = new Set<string>();
  for (const [dueAt, delayed] of later) {
    yield broker.routeAt(delayed, dueAt);
    for (const id of delayed) held.add(id);
    if (logger.isEnabled("debug"))
      logger.debug(`Delayed ${delayed.length} invocation(s) until ${new Date(dueAt).toISOString()}`, {
        invocations: delayed,
      });
  }
  const atOnce = ids.filter((id) => !held.has(id));
  if (atOnce.length > 0) yield broker.route(atOnce);
}

/** Does any of these records belong to a delayed call that is not due yet? */
export function anyNotDue(records: readonly InvocationRecord[]): boolean {
  let now = 0;
  for (const r of records) {
    if (r.dueAt === undefined) continue;
    now ||= Date.now();
    if (r.dueAt > now) return true;
  }
  return false;
}

/**
 * The waited-on candidates of a claim that are due, as records, in rank order, up to `max`. A delayed
 * call a task awaits is in the wait graph's runnable set from the await on, but no runner may claim it
 * before its due time (the broker hands it out then): it is skipped. `first` are the records of the
 * first `max` ranked ids, already read; the rest of the window is read in one more call only if those
 * are not enough. Only called when `first` holds such a call, so the usual claim reads nothing more.
 */
export function* dueCandidates(
  state: Pick<StateBackend, "getInvocations">,
  ranked: readonly string[],
  max: number,
  first: readonly InvocationRecord[],
): Flow<InvocationRecord[]> {
  const due: InvocationRecord[] = [];
  keepDue(first, due, max);
  if (due.length < max && ranked.length > max) {
    keepDue((yield state.getInvocations(ranked.slice(max))) as InvocationRecord[], due, max);
  }
  return due;
}

function keepDue(records: readonly InvocationRecord[], due: InvocationRecord[], max: number): void {
  const now = Date.now();
  for (const r of records) {
    if (due.length >= max) return;
    if (r.dueAt === undefined || r.dueAt <= now) due.push(r);
  }
}
