/**
 * Which runner ran what, read back from the invocations' histories in the database: every status
 * change records the runner that made it, so the runner of an invocation's SUCCESS entry is the one
 * whose code finished it, and a PENDING_RECOVERY / RUNNING_RECOVERY entry names the runner that took
 * it back from a dead one.
 */
import { InvocationStatus, type HistoryEntry, type Tynenc } from "../../src/index.js";

export interface RunnerShare {
  readonly runnerId: string;
  /** Its process id while it is registered; undefined once it stopped or was found dead. */
  readonly pid: number | undefined;
  /** Invocations it finished, by task id. */
  readonly finished: Map<string, number>;
  /** Invocations it took back from a dead runner. */
  recovered: number;
}

const RECOVERY: readonly string[] = [InvocationStatus.PENDING_RECOVERY, InvocationStatus.RUNNING_RECOVERY];

/** The ids of these invocations and of everything their code called, at any depth. */
export async function withDescendants(app: Tynenc, rootIds: readonly string[]): Promise<string[]> {
  const ids = [...rootIds];
  // The list grows while it is walked: each id's children are appended behind it.
  for (let i = 0; i < ids.length; i++) ids.push(...(await app.backend.stateBackend.getChildren(ids[i]!)));
  return ids;
}

/** Per runner, how many of these invocations it finished (by task) and recovered; busiest first. */
export async function runnerDistribution(app: Tynenc, ids: readonly string[]): Promise<RunnerShare[]> {
  const store = app.backend.orchestratorStore;
  const pids = new Map((await store.runners()).map((r) => [r.runnerId, r.pid]));
  const records = await app.backend.stateBackend.getInvocations(ids);
  const shares = new Map<string, RunnerShare>();
  const shareOf = (runnerId: string): RunnerShare => {
    let share = shares.get(runnerId);
    if (!share) {
      share = { runnerId, pid: pids.get(runnerId), finished: new Map(), recovered: 0 };
      shares.set(runnerId, share);
    }
    return share;
  };
  for (const record of records) {
    const history: HistoryEntry[] = await store.getHistory(record.id);
    for (const entry of history) {
      if (entry.runnerId === null) continue;
      if (RECOVERY.includes(entry.status)) shareOf(entry.runnerId).recovered++;
      if (entry.status !== InvocationStatus.SUCCESS) continue;
      const finished = shareOf(entry.runnerId).finished;
      finished.set(record.taskId, (finished.get(record.taskId) ?? 0) + 1);
    }
  }
  const total = (share: RunnerShare) => [...share.finished.values()].reduce((a, b) => a + b, 0);
  return [...shares.values()].sort((a, b) => total(b) - total(a));
}

/** One line per runner: `runner 1a2b3c4d (pid 4242): 1,012 finished (fib 1,008, digest 4)`. */
export function formatDistribution(shares: readonly RunnerShare[]): string[] {
  return shares.map((share) => {
    const total = [...share.finished.values()].reduce((a, b) => a + b, 0);
    const tasks = [...share.finished].map(([task, n]) => `${task} ${n.toLocaleString("en")}`).join(", ");
    const where = share.pid === undefined ? "no longer registered" : `pid ${share.pid}`;
    const recovered = share.recovered > 0 ? `; recovered ${share.recovered} from a dead runner` : "";
    return `runner ${share.runnerId.slice(0, 8)} (${where}): ${total.toLocaleString("en")} finished (${tasks})${recovered}`;
  });
}
