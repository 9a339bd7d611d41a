import type { SqliteConnection } from "./connection.js";
import type { SqliteStatement } from "./driver.js";

/** SQL for the statuses a runner may claim (status.ts RUNNABLE_STATUSES; checked in the store). */
export const RUNNABLE_SQL = "('REGISTERED', 'REROUTED', 'RETRY')";
/** SQL for the runnable statuses the wait graph hands out (status.ts WAIT_READY_STATUSES: no RETRY). */
export const WAIT_READY_SQL = "('REGISTERED', 'REROUTED')";

/**
 * The wait graph in `tynenc_waits`, with each invocation's number of waiters kept in its status row
 * (`waiters`): "somebody waits for it" is then a column, which the partial index `tynenc_status_ready`
 * (waited-on runnable work) and retention read without touching the edges. Called inside the store's
 * write transactions.
 */
export class SqliteWaitGraph {
  private readonly insertEdge: SqliteStatement;
  private readonly countUp: SqliteStatement;
  private readonly countDownFrom: SqliteStatement;
  private readonly deleteFrom: SqliteStatement;
  private readonly deleteTo: SqliteStatement;
  private readonly countZero: SqliteStatement;
  private readonly outOf: SqliteStatement;
  private readonly into: SqliteStatement;
  private readonly readyIds: SqliteStatement;
  private readonly wipe: SqliteStatement;

  constructor(
    conn: SqliteConnection,
    private readonly app: string,
  ) {
    const db = conn.db;
    this.insertEdge = db.prepare("INSERT OR IGNORE INTO tynenc_waits (app, waiter, waited) VALUES (?, ?, ?)");
    this.countUp = db.prepare("UPDATE tynenc_status SET waiters = waiters + 1 WHERE app = ? AND id = ?");
    this.countDownFrom = db.prepare(
      `UPDATE tynenc_status SET waiters = waiters - 1 WHERE app = ? AND waiters > 0
       AND id IN (SELECT waited FROM tynenc_waits WHERE app = ? AND waiter = ?)`,
    );
    this.deleteFrom = db.prepare("DELETE FROM tynenc_waits WHERE app = ? AND waiter = ?");
    this.deleteTo = db.prepare("DELETE FROM tynenc_waits WHERE app = ? AND waited = ?");
    this.countZero = db.prepare("UPDATE tynenc_status SET waiters = 0 WHERE app = ? AND id = ?");
    this.outOf = db.prepare(
      "SELECT waiter AS k, waited AS v FROM tynenc_waits WHERE app = ? AND waiter IN (SELECT value FROM json_each(?))",
    );
    this.into = db.prepare(
      "SELECT waited AS k, waiter AS v FROM tynenc_waits WHERE app = ? AND waited IN (SELECT value FROM json_each(?))",
    );
    // `status IN RUNNABLE_SQL` repeats the WHERE of the partial index tynenc_status_ready word for word:
    // SQLite uses a partial index only when the query names its terms, and without it this lookup walks
    // every row of the app in seq order (a claim slowed down with the table: 10x at 30,000 rows).
    this.readyIds = db
      .prepare(
        `SELECT id FROM tynenc_status s WHERE app = ? AND waiters > 0 AND status IN ${RUNNABLE_SQL}
         AND status IN ${WAIT_READY_SQL}
         AND NOT EXISTS (SELECT 1 FROM tynenc_waits w WHERE w.app = s.app AND w.waiter = s.id)
         ORDER BY seq LIMIT ?`,
      )
      .pluck();
    this.wipe = db.prepare("DELETE FROM tynenc_waits WHERE app = ?");
  }

  add(waiter: string, waited: readonly string[]): void {
    for (const id of waited) {
      if (this.insertEdge.run(this.app, waiter, id).changes > 0) this.countUp.run(this.app, id);
    }
  }

  removeFrom(waiter: string): void {
    this.countDownFrom.run(this.app, this.app, waiter);
    this.deleteFrom.run(this.app, waiter);
  }

  removeTo(waited: string): void {
    this.deleteTo.run(this.app, waited);
    this.countZero.run(this.app, waited);
  }

  waitingFor(ids: readonly string[]): Map<string, string[]> {
    return this.collect(this.outOf, ids);
  }

  waitersOf(ids: readonly string[]): Map<string, string[]> {
    return this.collect(this.into, ids);
  }

  /** Up to `limit` runnable invocations somebody waits for that wait for nothing, oldest change first. */
  ready(limit: number): string[] {
    return this.readyIds.all(this.app, limit) as string[];
  }

  clear(): void {
    this.wipe.run(this.app);
  }

  private collect(statement: SqliteStatement, ids: readonly string[]): Map<string, string[]> {
    const result = new Map<string, string[]>();
    if (ids.length === 0) return result;
    for (const { k, v } of statement.all(this.app, JSON.stringify(ids)) as { k: string; v: string }[]) {
      const list = result.get(k);
      if (list) list.push(v);
      else result.set(k, [v]);
    }
    return result;
  }
}
