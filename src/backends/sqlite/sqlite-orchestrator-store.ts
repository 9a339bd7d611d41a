import { InvocationNotFoundError } from "../../errors/errors.js";
import {
  INITIAL_STATUS,
  InvocationStatus,
  isFinal,
  isRunnable,
  ownerAfter,
  ownerAfterResume,
  refuseUnderCancel,
  type HistoryEntry,
  type StatusRecord,
} from "../../invocation/status.js";
import type {
  IdSet,
  NewStatus,
  OrchestratorStore,
  RunnerInfo,
} from "../../orchestrator/orchestrator-store.js";
import type { SqliteConnection } from "./connection.js";
import { historyLine, parseHistory } from "./history-text.js";
import { SqliteStatusQueries, type StatusRow } from "./sqlite-status-queries.js";
import { SqliteRetention } from "./sqlite-retention.js";
import { SqliteRunners } from "./sqlite-runners.js";
import { SqliteWaitGraph } from "./sqlite-wait-graph.js";

const S = InvocationStatus;

/**
 * Statuses, histories and the wait graph in one SQLite file. Every change runs in the connection's
 * write transaction (one writer across all processes) inside its own savepoint, validated with
 * status.ts in the same step, so two processes never both claim, resume or move one invocation.
 */
export class SqliteOrchestratorStore implements OrchestratorStore {
  private readonly q: SqliteStatusQueries;
  private readonly graph: SqliteWaitGraph;
  private readonly retention: SqliteRetention;
  private readonly registry: SqliteRunners;
  private readonly registerTx;
  private readonly transitionTx;
  private readonly claimTx;
  private readonly resumeTx;
  private readonly cancelTx;
  private readonly waitsTx;

  constructor(
    private readonly conn: SqliteConnection,
    private readonly app: string,
  ) {
    const db = conn.db;
    this.q = new SqliteStatusQueries(db, app);
    this.graph = new SqliteWaitGraph(conn, app);
    this.retention = new SqliteRetention(conn, app);
    this.registry = new SqliteRunners(conn, app);
    this.registerTx = db.transaction((items: readonly NewStatus[], runnerId: string | null, at: number) =>
      this.registerAll(items, runnerId, at),
    );
    this.transitionTx = db.transaction(
      (id: string, to: InvocationStatus, runnerId: string | null, at: number, clearWaits: boolean) => {
        const row = this.found(id);
        const owner = ownerAfter(id, row.status, row.owner, to, runnerId);
        if (row.cancel_requested) refuseUnderCancel(id, to);
        this.commit(id, row, to, owner, runnerId, at);
        if (clearWaits) this.graph.removeFrom(id);
        return { status: to, owner, at };
      },
    );
    this.claimTx = db.transaction(
      (ids: readonly string[], runnerId: string, at: number, blocked?: string[]) =>
        this.claimAll(ids, runnerId, at, blocked),
    );
    this.resumeTx = db.transaction((id: string, runnerId: string, at: number) =>
      this.resumeOne(id, runnerId, at),
    );
    this.cancelTx = db.transaction((id: string) => {
      const row = this.q.row(id);
      if (row && !isFinal(row.status) && !row.cancel_requested) this.q.markCancel(id, this.conn.nextSeq());
      return row && recordOf(row);
    });
    this.waitsTx = db.transaction((op: () => void) => op());
  }

  register(items: readonly NewStatus[], runnerId: string | null, at: number): (string | undefined)[] {
    return items.length === 0 ? [] : this.conn.write(this.registerTx, items, runnerId, at);
  }

  private registerAll(
    items: readonly NewStatus[],
    runnerId: string | null,
    at: number,
  ): (string | undefined)[] {
    const existing: (string | undefined)[] = [];
    for (const item of items) {
      const duplicate =
        item.registrationKey === undefined ? undefined : this.q.registered(item.registrationKey);
      existing.push(duplicate);
      if (duplicate !== undefined) continue;
      const seq = this.conn.nextSeq();
      this.q.insert(item, at, seq, historyLine(INITIAL_STATUS, runnerId, at, seq));
    }
    return existing;
  }

  transition(
    id: string,
    to: InvocationStatus,
    runnerId: string | null,
    at: number,
    options?: { clearWaits?: boolean },
  ): StatusRecord {
    return this.conn.write(this.transitionTx, id, to, runnerId, at, options?.clearWaits ?? false);
  }

  requestCancel(id: string): StatusRecord | undefined {
    return this.conn.write(this.cancelTx, id);
  }

  claim(ids: readonly string[], runnerId: string, at: number, blocked?: string[]): string[] {
    return ids.length === 0 ? [] : this.conn.write(this.claimTx, ids, runnerId, at, blocked);
  }

  private claimAll(ids: readonly string[], runnerId: string, at: number, blocked?: string[]): string[] {
    const rows = this.q.rows(ids);
    const claimed: string[] = [];
    for (const id of ids) {
      const row = rows.get(id);
      if (!row || !isRunnable(row.status)) continue;
      if (row.running_key !== null && this.q.keyHeld(row.running_key)) {
        blocked?.push(id);
        continue;
      }
      const owner = ownerAfter(id, row.status, row.owner, S.PENDING, runnerId);
      this.commit(id, row, S.PENDING, owner, runnerId, at);
      claimed.push(id);
    }
    return claimed;
  }

  resume(id: string, runnerId: string, at: number): StatusRecord | undefined {
    return this.conn.write(this.resumeTx, id, runnerId, at);
  }

  private resumeOne(id: string, runnerId: string, at: number): StatusRecord | undefined {
    const row = this.found(id);
    // Validated before the key is looked at, so a refusal never hides an invalid change.
    const owner = ownerAfterResume(id, row.status, row.owner, runnerId);
    if (row.running_key !== null && this.q.keyHeld(row.running_key)) return undefined;
    this.commit(id, row, S.RUNNING, owner, runnerId, at);
    return { status: S.RUNNING, owner, at };
  }

  private found(id: string): StatusRow {
    const row = this.q.row(id);
    if (!row) {
      throw new InvocationNotFoundError(
        `No invocation with id ${id} in the sqlite backend (${this.conn.path})`,
      );
    }
    return row;
  }

  /** Store a validated change; `row` is updated too, so a batch sees its own changes. */
  private commit(
    id: string,
    row: StatusRow,
    to: InvocationStatus,
    owner: string | null,
    runnerId: string | null,
    at: number,
  ): void {
    const seq = this.conn.nextSeq();
    const final = isFinal(to);
    const cancel = final ? 0 : row.cancel_requested;
    this.q.update(id, to, owner, at, seq, historyLine(to, runnerId, at, seq), final ? at : null, cancel);
    row.status = to;
    row.owner = owner;
    row.at = at;
    row.cancel_requested = cancel;
  }

  getStatus(id: string): StatusRecord | undefined {
    const row = this.q.row(id);
    return row && recordOf(row);
  }

  getStatuses(ids: readonly string[]): (StatusRecord | undefined)[] {
    const rows = this.q.rows(ids);
    return ids.map((id) => {
      const row = rows.get(id);
      return row && recordOf(row);
    });
  }

  getHistory(id: string): HistoryEntry[] {
    const text = this.q.history(id);
    return text === undefined ? [] : parseHistory(text);
  }

  findByStatus(statuses: readonly InvocationStatus[], taskId?: string): string[] {
    return this.q.findByStatus(statuses, taskId);
  }

  addWaits(waiterId: string, waitedIds: readonly string[]): void {
    if (waitedIds.length > 0) this.conn.write(this.waitsTx, () => this.graph.add(waiterId, waitedIds));
  }

  removeWaitsOf(waiterId: string): void {
    this.conn.write(this.waitsTx, () => this.graph.removeFrom(waiterId));
  }

  removeWaitsOn(waitedId: string): void {
    this.conn.write(this.waitsTx, () => this.graph.removeTo(waitedId));
  }

  waitingFor(ids: readonly string[]): Map<string, string[]> {
    return this.graph.waitingFor(ids);
  }

  waitersOf(ids: readonly string[]): Map<string, string[]> {
    return this.graph.waitersOf(ids);
  }

  waitedOnRunnable(limit: number): string[] {
    return limit <= 0 ? [] : this.graph.ready(limit);
  }

  runningKeyHolders(runningKey: string): string[] {
    return this.q.keyHolders(runningKey);
  }

  parkedOn(runningKey: string): string[] {
    return this.q.parkedOn(runningKey);
  }

  cachedResult(cacheKey: string): string | undefined {
    return this.q.cached(cacheKey);
  }

  pin(id: string): void {
    this.conn.write(() => this.q.pin(id, Date.now()));
  }

  unpin(id: string): void {
    this.conn.write(() => this.q.unpin(id));
  }

  purgeFinished(olderThan: number, keepNewest: number, keep?: IdSet): string[] {
    return this.conn.write(this.retention.purgeFinished, olderThan, keepNewest, keep);
  }

  countByStatus(): Partial<Record<InvocationStatus, number>> {
    return this.q.countByStatus();
  }

  heartbeat(runner: RunnerInfo): void {
    this.registry.heartbeat(runner);
  }

  removeRunner(runnerId: string): void {
    this.registry.removeRunner(runnerId);
  }

  runners(): RunnerInfo[] {
    return this.registry.runners();
  }

  acquireLease(name: string, holder: string, at: number, until: number): boolean {
    return this.registry.acquireLease(name, holder, at, until);
  }

  ownedBy(runnerIds: readonly string[]): string[] {
    return runnerIds.length === 0 ? [] : this.q.ownedBy(runnerIds);
  }

  purge(): void {
    this.conn.write(this.waitsTx, () => {
      this.q.clear();
      this.graph.clear();
      this.registry.clear();
    });
  }
}

function recordOf(row: StatusRow): StatusRecord {
  return { status: row.status, owner: row.owner, at: row.at };
}
