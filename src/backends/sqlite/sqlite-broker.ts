import type { Broker } from "../../broker/broker.js";
import type { SqliteConnection } from "./connection.js";
import type { SqliteStatement } from "./driver.js";

/**
 * The queue in `tynenc_queue`: routed ids with `due_at` 0, delayed ones (retries with a backoff) with
 * their due time. Popping selects and deletes in the write transaction, so two processes never pop
 * the same entry. A process that finds only entries not yet due sets one timer for the earliest and
 * wakes its runners then (`onDue`); other processes learn of new entries through the notifier.
 */
export class SqliteBroker implements Broker {
  private readonly push: SqliteStatement;
  private readonly due: SqliteStatement;
  private readonly remove: SqliteStatement;
  private readonly nextDue: SqliteStatement;
  private readonly size: SqliteStatement;
  private readonly wipe: SqliteStatement;
  private readonly drop: SqliteStatement;
  private readonly routeAll: (ids: readonly string[], dueAt: number) => void;
  private readonly pop: (max: number, now: number) => string[];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  constructor(
    private readonly conn: SqliteConnection,
    private readonly app: string,
    private readonly onDue: () => void,
  ) {
    const db = conn.db;
    this.push = db.prepare("INSERT INTO tynenc_queue (app, id, due_at) VALUES (?, ?, ?)");
    this.due = db.prepare(
      "SELECT seq, id FROM tynenc_queue WHERE app = ? AND due_at <= ? ORDER BY due_at, seq LIMIT ?",
    );
    this.remove = db.prepare("DELETE FROM tynenc_queue WHERE seq IN (SELECT value FROM json_each(?))");
    this.nextDue = db.prepare("SELECT min(due_at) FROM tynenc_queue WHERE app = ? AND due_at > ?").pluck();
    this.size = db.prepare("SELECT count(*) FROM tynenc_queue WHERE app = ?").pluck();
    this.wipe = db.prepare("DELETE FROM tynenc_queue WHERE app = ?");
    this.drop = db.prepare(
      "DELETE FROM tynenc_queue WHERE app = ? AND due_at <= ? AND id IN (SELECT value FROM json_each(?))",
    );
    this.routeAll = db.transaction((ids: readonly string[], dueAt: number) => {
      for (const id of ids) this.push.run(app, id, dueAt);
    });
    this.pop = db.transaction((max: number, now: number) => {
      const rows = this.due.all(app, now, max) as { seq: number; id: string }[];
      if (rows.length > 0) this.remove.run(JSON.stringify(rows.map((r) => r.seq)));
      return rows.map((r) => r.id);
    });
  }

  route(ids: readonly string[]): void {
    if (ids.length > 0) this.conn.write(this.routeAll, ids, 0);
  }

  routeAt(ids: readonly string[], dueAt: number): void {
    if (dueAt <= Date.now()) return this.route(ids);
    if (ids.length > 0) this.conn.write(this.routeAll, ids, dueAt);
    this.wakeAt(dueAt);
  }

  unroute(ids: readonly string[]): void {
    if (ids.length > 0) this.conn.write(() => this.drop.run(this.app, Date.now(), JSON.stringify(ids)));
  }

  retrieve(max: number): string[] {
    if (max <= 0) return [];
    const now = Date.now();
    const ids = this.conn.write(this.pop, max, now);
    if (ids.length < max) this.armForNext(now);
    return ids;
  }

  private armForNext(now: number): void {
    const next = this.nextDue.get(this.app, now) as number | null;
    if (next !== null) this.wakeAt(next);
  }

  count(): number {
    return this.size.get(this.app) as number;
  }

  purge(): void {
    this.conn.write(() => this.wipe.run(this.app));
    this.dispose();
  }

  /** One timer, for the earliest due time this process knows of. */
  private wakeAt(dueAt: number): void {
    if (dueAt >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = dueAt;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.onDue();
        this.armForNext(Date.now());
      },
      Math.min(Math.max(dueAt - Date.now(), 0) + 1, 2 ** 31 - 1),
    );
    this.timer.unref();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }
}
