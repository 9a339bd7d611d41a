/**
 * What the pool did, read back from the invocations' histories: every status change records the runner
 * that made it, and each pool worker is a runner of its own, so the runner of a RUNNING entry is the
 * worker whose code ran then. Replaying every history in the store's order (`seq`) gives how many
 * invocations were RUNNING, and how many PAUSED, at any one moment.
 */
import { InvocationStatus, type HistoryEntry, type Tynenc } from "../../src/index.js";

export interface PoolReport {
  /** Per runner id, how many of the invocations it ran (had a RUNNING entry of), busiest first. */
  readonly ranByRunner: [runnerId: string, invocations: number][];
  /** The most invocations RUNNING at one moment: never more than the pool's slots. */
  readonly maxRunning: number;
  /** The most invocations PAUSED at one moment: none of them held a slot. */
  readonly maxPaused: number;
  /** Runs that failed and were retried (RETRY entries): here, those of a worker that died. */
  readonly retries: number;
}

/** The ids of these invocations and of everything their code called, at any depth. */
export async function withDescendants(app: Tynenc, rootIds: readonly string[]): Promise<string[]> {
  const ids = [...rootIds];
  // The list grows while it is walked: each id's children are appended behind it.
  for (let i = 0; i < ids.length; i++) ids.push(...(await app.backend.stateBackend.getChildren(ids[i]!)));
  return ids;
}

export async function poolReport(app: Tynenc, ids: readonly string[]): Promise<PoolReport> {
  const store = app.backend.orchestratorStore;
  const entries: (HistoryEntry & { id: string })[] = [];
  for (const id of ids) for (const entry of await store.getHistory(id)) entries.push({ ...entry, id });
  entries.sort((a, b) => a.seq - b.seq);

  const ran = new Map<string, Set<string>>();
  const now = new Map<string, InvocationStatus>();
  let [running, paused, maxRunning, maxPaused, retries] = [0, 0, 0, 0, 0];
  for (const entry of entries) {
    const before = now.get(entry.id);
    if (before === InvocationStatus.RUNNING) running--;
    if (before === InvocationStatus.PAUSED) paused--;
    now.set(entry.id, entry.status);
    if (entry.status === InvocationStatus.RUNNING) {
      running++;
      if (entry.runnerId !== null) {
        if (!ran.has(entry.runnerId)) ran.set(entry.runnerId, new Set());
        ran.get(entry.runnerId)!.add(entry.id);
      }
    }
    if (entry.status === InvocationStatus.PAUSED) paused++;
    if (entry.status === InvocationStatus.RETRY) retries++;
    maxRunning = Math.max(maxRunning, running);
    maxPaused = Math.max(maxPaused, paused);
  }
  const ranByRunner = [...ran]
    .map(([runnerId, ids]): [string, number] => [runnerId, ids.size])
    .sort((a, b) => b[1] - a[1]);
  return { ranByRunner, maxRunning, maxPaused, retries };
}

/**
 * One line per worker, `worker 1a2b3c4d (pid 4242): ran 21`; past `max` lines, the rest in one (a
 * ProcessRunner's workers are its children, one per invocation). A worker thread's pid is its parent's.
 */
export async function formatRan(app: Tynenc, report: PoolReport, max = 4): Promise<string[]> {
  const pids = new Map((await app.backend.orchestratorStore.runners()).map((r) => [r.runnerId, r.pid]));
  const lines = report.ranByRunner.slice(0, max).map(([runnerId, ran]) => {
    const pid = pids.get(runnerId);
    const where = pid === undefined ? "gone" : `pid ${pid}`;
    return `worker ${runnerId.slice(0, 8)} (${where}): ran ${ran}`;
  });
  const rest = report.ranByRunner.slice(max);
  if (rest.length > 0) {
    const ran = rest.reduce((sum, [, n]) => sum + n, 0);
    lines.push(`… and ${rest.length} more workers: ran ${ran}`);
  }
  if (report.retries > 0) lines.push(`${report.retries} run(s) retried (a worker died under them)`);
  return lines;
}
