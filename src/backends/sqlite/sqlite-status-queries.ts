import { InvocationStatus, RUNNABLE_STATUSES, WAIT_READY_STATUSES } from "../../invocation/status.js";
import type { NewStatus } from "../../orchestrator/orchestrator-store.js";
import type { SqliteDatabase, SqliteStatement } from "./driver.js";
import { RUNNABLE_SQL, WAIT_READY_SQL } from "./sqlite-wait-graph.js";

const S = InvocationStatus;

/** What the store reads of a status row to validate a change. */
export interface StatusRow {
  id: string;
  status: InvocationStatus;
  owner: string | null;
  at: number;
  cancel_requested: number;
  running_key: string | null;
}

/** Statuses only an owner holds: looked up through the small `tynenc_status_owner` index. */
const OWNED: ReadonlySet<InvocationStatus> = new Set([S.PENDING, S.RUNNING, S.PAUSED, S.RESUMED]);

const sqlList = (statuses: readonly InvocationStatus[]) =>
  `(${[...statuses]
    .sort()
    .map((s) => `'${s}'`)
    .join(", ")})`;
if (RUNNABLE_SQL !== sqlList(RUNNABLE_STATUSES)) {
  throw new Error(`RUNNABLE_SQL ${RUNNABLE_SQL} is out of date with status.ts RUNNABLE_STATUSES`);
}
if (WAIT_READY_SQL !== sqlList(WAIT_READY_STATUSES)) {
  throw new Error(`WAIT_READY_SQL ${WAIT_READY_SQL} is out of date with status.ts WAIT_READY_STATUSES`);
}

const ROW = "id, status, owner, at, cancel_requested, running_key";

/** The prepared statements over `tynenc_status`, each named after what it does. */
export class SqliteStatusQueries {
  private readonly s: Record<string, SqliteStatement>;

  constructor(
    db: SqliteDatabase,
    private readonly app: string,
  ) {
    const active = "running_key = ? AND finished_at IS NULL";
    this.s = {
      insert: db.prepare(
        `INSERT INTO tynenc_status (app, id, task_id, status, owner, at, seq, history,
           registration_key, running_key, cache_key, waiters)
         VALUES (?, ?, ?, 'REGISTERED', NULL, ?, ?, ?, ?, ?, ?,
           (SELECT count(*) FROM tynenc_waits WHERE app = ? AND waited = ?))`,
      ),
      registered: db
        .prepare(
          "SELECT id FROM tynenc_status WHERE app = ? AND registration_key = ? AND finished_at IS NULL LIMIT 1",
        )
        .pluck(),
      row: db.prepare(`SELECT ${ROW} FROM tynenc_status WHERE app = ? AND id = ?`),
      rows: db.prepare(
        `SELECT ${ROW} FROM tynenc_status WHERE app = ? AND id IN (SELECT value FROM json_each(?))`,
      ),
      update: db.prepare(
        `UPDATE tynenc_status SET status = ?, owner = ?, at = ?, seq = ?, history = history || ?,
           finished_at = ?, cancel_requested = ? WHERE app = ? AND id = ?`,
      ),
      markCancel: db.prepare(
        "UPDATE tynenc_status SET cancel_requested = 1, seq = ? WHERE app = ? AND id = ?",
      ),
      keyHeld: db
        .prepare(
          `SELECT 1 FROM tynenc_status WHERE app = ? AND ${active} AND status IN ('PENDING', 'RUNNING') LIMIT 1`,
        )
        .pluck(),
      keyHolders: db
        .prepare(
          `SELECT id FROM tynenc_status WHERE app = ? AND ${active} AND status IN ('PENDING', 'RUNNING')`,
        )
        .pluck(),
      parked: db
        .prepare(
          `SELECT id FROM tynenc_status WHERE app = ? AND ${active} AND status = 'CONCURRENCY_CONTROLLED'`,
        )
        .pluck(),
      cached: db
        .prepare(
          "SELECT id FROM tynenc_status WHERE app = ? AND cache_key = ? AND status = 'SUCCESS' ORDER BY seq DESC LIMIT 1",
        )
        .pluck(),
      history: db.prepare("SELECT history FROM tynenc_status WHERE app = ? AND id = ?").pluck(),
      byStatus: db
        .prepare(
          "SELECT id FROM tynenc_status WHERE app = ? AND status IN (SELECT value FROM json_each(?)) ORDER BY rowid",
        )
        .pluck(),
      byStatusOwned: db
        .prepare(
          "SELECT id FROM tynenc_status WHERE app = ? AND owner IS NOT NULL AND status IN (SELECT value FROM json_each(?)) ORDER BY rowid",
        )
        .pluck(),
      taskIdOf: db.prepare(
        "SELECT id, task_id FROM tynenc_status WHERE app = ? AND id IN (SELECT value FROM json_each(?))",
      ),
      ownedBy: db
        .prepare(
          "SELECT id FROM tynenc_status WHERE app = ? AND owner IS NOT NULL AND owner IN (SELECT value FROM json_each(?)) ORDER BY rowid",
        )
        .pluck(),
      pin: db.prepare(
        `INSERT INTO tynenc_pins (app, id, count, pinned_at) VALUES (?, ?, 1, ?)
         ON CONFLICT (app, id) DO UPDATE SET count = count + 1, pinned_at = excluded.pinned_at`,
      ),
      unpin: db.prepare("UPDATE tynenc_pins SET count = count - 1 WHERE app = ? AND id = ?"),
      dropPin: db.prepare("DELETE FROM tynenc_pins WHERE app = ? AND id = ? AND count <= 0"),
      clearPins: db.prepare("DELETE FROM tynenc_pins WHERE app = ?"),
      counts: db.prepare("SELECT status, count(*) AS n FROM tynenc_status WHERE app = ? GROUP BY status"),
      clear: db.prepare("DELETE FROM tynenc_status WHERE app = ?"),
    };
  }

  insert(item: NewStatus, at: number, seq: number, history: string): void {
    this.s.insert!.run(
      this.app,
      item.id,
      item.taskId,
      at,
      seq,
      history,
      item.registrationKey ?? null,
      item.runningKey ?? null,
      item.cacheKey ?? null,
      this.app,
      item.id,
    );
  }

  registered(registrationKey: string): string | undefined {
    return this.s.registered!.get(this.app, registrationKey) as string | undefined;
  }

  row(id: string): StatusRow | undefined {
    return this.s.row!.get(this.app, id) as StatusRow | undefined;
  }

  rows(ids: readonly string[]): Map<string, StatusRow> {
    const out = new Map<string, StatusRow>();
    if (ids.length === 0) return out;
    for (const row of this.s.rows!.all(this.app, JSON.stringify(ids)) as StatusRow[]) out.set(row.id, row);
    return out;
  }

  update(
    id: string,
    status: InvocationStatus,
    owner: string | null,
    at: number,
    seq: number,
    historyLine: string,
    finishedAt: number | null,
    cancel: number,
  ): void {
    this.s.update!.run(status, owner, at, seq, historyLine, finishedAt, cancel, this.app, id);
  }

  markCancel(id: string, seq: number): void {
    this.s.markCancel!.run(seq, this.app, id);
  }

  keyHeld(runningKey: string): boolean {
    return this.s.keyHeld!.get(this.app, runningKey) !== undefined;
  }

  keyHolders(runningKey: string): string[] {
    return this.s.keyHolders!.all(this.app, runningKey) as string[];
  }

  parkedOn(runningKey: string): string[] {
    return this.s.parked!.all(this.app, runningKey) as string[];
  }

  cached(cacheKey: string): string | undefined {
    return this.s.cached!.get(this.app, cacheKey) as string | undefined;
  }

  history(id: string): string | undefined {
    return this.s.history!.get(this.app, id) as string | undefined;
  }

  findByStatus(statuses: readonly InvocationStatus[], taskId?: string): string[] {
    if (statuses.length === 0) return [];
    const owned = statuses.every((s) => OWNED.has(s));
    const ids = (owned ? this.s.byStatusOwned! : this.s.byStatus!).all(
      this.app,
      JSON.stringify(statuses),
    ) as string[];
    if (taskId === undefined || ids.length === 0) return ids;
    const tasks = new Map(
      (this.s.taskIdOf!.all(this.app, JSON.stringify(ids)) as { id: string; task_id: string }[]).map((r) => [
        r.id,
        r.task_id,
      ]),
    );
    return ids.filter((id) => tasks.get(id) === taskId);
  }

  ownedBy(runnerIds: readonly string[]): string[] {
    return this.s.ownedBy!.all(this.app, JSON.stringify(runnerIds)) as string[];
  }

  pin(id: string, at: number): void {
    this.s.pin!.run(this.app, id, at);
  }

  unpin(id: string): void {
    this.s.unpin!.run(this.app, id);
    this.s.dropPin!.run(this.app, id);
  }

  countByStatus(): Partial<Record<InvocationStatus, number>> {
    const counts: Partial<Record<InvocationStatus, number>> = {};
    for (const { status, n } of this.s.counts!.all(this.app) as { status: InvocationStatus; n: number }[]) {
      counts[status] = n;
    }
    return counts;
  }

  clear(): void {
    this.s.clear!.run(this.app);
    this.s.clearPins!.run(this.app);
  }
}
