import {
  CancelledError,
  InvocationPurgedError,
  TimeoutError,
  TynencError,
  type HistoryEntry,
  type Invocation,
  type Tynenc,
} from "../../src/index.js";
import { historyProblems, maxConcurrentRunning } from "../../src/testing/index.js";
import { bounded } from "./round.js";
import type { RoundLog } from "./round-log.js";
import { StressFailure } from "./stress-tasks.js";
import { expectedOutcome } from "./tree.js";

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

const settle = (invocation: Invocation<number>): Promise<Settled> =>
  invocation.result.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );

const named = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * The invariants of a finished round: every invocation final, every history legal, never more RUNNING
 * than slots, each outcome matching its status, and the plain computation where nothing interfered.
 */
export async function checkRound(
  app: Tynenc,
  log: RoundLog,
  slots: number,
  retention: boolean,
  snapshots: ReadonlyMap<string, HistoryEntry[]>,
  strictCancel: boolean,
): Promise<string[]> {
  const problems: string[] = [];
  if (log.maxRunning > slots)
    problems.push(`${log.maxRunning} RUNNING at once by the events, slots ${slots}`);
  const histories: HistoryEntry[][] = [];
  const historyIds: string[] = [];
  for (const id of log.order) {
    if (!log.isFinal(id)) problems.push(`${id} ended ${log.last(id)}, not final`);
    // A purged invocation's history is gone from the store: the copy taken when it finished stands in.
    const stored = await Promise.resolve(app.orchestrator.history(id)).catch(() => undefined);
    const history = stored?.length ? stored : snapshots.get(id);
    if (!history?.length) {
      if (!retention) problems.push(`${id}: no history although retention is off`);
      continue;
    }
    histories.push(history);
    historyIds.push(id);
    const wrong = historyProblems(history);
    if (wrong.length) problems.push(`${id}: ${wrong.join("; ")} [${history.map((h) => h.status).join(">")}]`);
    if (strictCancel && log.cancelledTrue.has(id) && log.last(id) !== "CANCELLED")
      problems.push(
        `${id}: cancel() from ${log.cancelledTrue.get(id)} returned true but it ended ${log.last(id)} [${history.map((h) => h.status).join(">")}]`,
      );
  }
  const most = maxConcurrentRunning(histories);
  if (most > slots) {
    problems.push(`${most} RUNNING at once in the histories, slots ${slots}`);
    problems.push(`timeline (by seq):\n${timeline(log, historyIds, histories)}`);
  } else if (log.maxRunning > slots) problems.push(`events in order:\n${log.describeEvents()}`);
  for (const [id, handle] of log.handles) problems.push(...(await checkOutcome(log, id, handle, retention)));
  return problems;
}

/** One invocation's outcome against its final status and, when undisturbed, the plain computation. */
async function checkOutcome(
  log: RoundLog,
  id: string,
  handle: Invocation<number>,
  retention: boolean,
): Promise<string[]> {
  const status = log.last(id);
  // Its status is final, so its result is there: a result that does not come is a problem, not a wait.
  const outcome = await bounded(settle(handle), 1_000, `the result of ${id} (${status})`).catch(
    (error: unknown) => ({ ok: false, error }) as const,
  );
  if (!outcome.ok && !(outcome.error instanceof TynencError) && !(outcome.error instanceof StressFailure))
    return [String(outcome.error)];
  if (!outcome.ok && outcome.error instanceof InvocationPurgedError) {
    return retention ? [] : [`${id}: purged although retention is off`];
  }
  const node = log.nodes.get(id)!;
  const disturbed = log.disturbed(id);
  const expected = expectedOutcome(node);
  const shown = outcome.ok ? `resolved ${String(outcome.value)}` : `rejected ${named(outcome.error)}`;
  const wrong = (why: string) => [`${id} (node ${node.id}, ${status}): ${why}; ${shown}`];
  switch (status) {
    case "SUCCESS":
      if (!outcome.ok || typeof outcome.value !== "number") return wrong("SUCCESS without a number");
      if (!disturbed && (!expected.ok || expected.value !== outcome.value))
        return wrong(`expected ${expected.ok ? expected.value : "a failure"}`);
      return [];
    case "FAILED": {
      if (outcome.ok) return wrong("FAILED but resolved");
      const legal = outcome.error instanceof StressFailure || (disturbed && isInterruption(outcome.error));
      if (!legal) return wrong("FAILED with an error no node throws");
      if (!disturbed && expected.ok) return wrong(`expected ${expected.value}`);
      return [];
    }
    case "CANCELLED":
      return !outcome.ok && outcome.error instanceof CancelledError
        ? []
        : wrong("CANCELLED without CancelledError");
    case "TIMED_OUT":
      return !outcome.ok && outcome.error instanceof TimeoutError
        ? []
        : wrong("TIMED_OUT without TimeoutError");
    default:
      return wrong("not an expected final status");
  }
}

/** Every history entry of the round in the store's global order, with the driver's stop/run marks. */
function timeline(log: RoundLog, ids: readonly string[], histories: readonly HistoryEntry[][]): string {
  const rows: { seq: number; text: string }[] = [];
  histories.forEach((history, index) => {
    const id = ids[index] ?? `#${index}`;
    for (const entry of history)
      rows.push({ seq: entry.seq, text: `${entry.seq} ${id.slice(-8)} ${entry.status} @${entry.at}` });
  });
  rows.sort((a, b) => a.seq - b.seq);
  return [...rows.map((row) => row.text), "--- events:", log.describeEvents()].join("\n");
}

function isInterruption(error: unknown): boolean {
  return error instanceof CancelledError || error instanceof TimeoutError;
}
