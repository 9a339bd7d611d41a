import type { IdSet } from "../../orchestrator/orchestrator-store.js";
import type { SqliteConnection } from "./connection.js";
import type { SqliteStatement } from "./driver.js";

/**
 * A pin no longer keeps a finished invocation once both the pin and the finish are older than this:
 * its reader had that long to read the result, or its process died while waiting (see `OrchestratorStore.pin`).
 */
export const PIN_EXPIRES_MS = 10 * 60_000;

interface DueRow {
  id: string;
  waiters: number;
  pins: number | null;
  pinned_at: number | null;
  finished_at: number;
}

/** Retention of the status rows: which finished invocations are due, and forgetting them. */
export class SqliteRetention {
  private readonly cutoff: SqliteStatement;
  private readonly due: SqliteStatement;
  private readonly heldRows: SqliteStatement;
  private readonly hold: SqliteStatement;
  private readonly remove: SqliteStatement;
  private readonly removePins: SqliteStatement;
  readonly purgeFinished: (olderThan: number, keepNewest: number, keep?: IdSet) => string[];

  constructor(conn: SqliteConnection, app: string) {
    const db = conn.db;
    // The newest finished invocation that falls outside `keepNewest` (finish time, then change order).
    this.cutoff = db.prepare(
      `SELECT finished_at, seq FROM tynenc_status WHERE app = ? AND finished_at IS NOT NULL
       ORDER BY finished_at DESC, seq DESC LIMIT 1 OFFSET ?`,
    );
    this.due = db.prepare(
      `SELECT s.id, s.waiters, p.count AS pins, p.pinned_at, s.finished_at FROM tynenc_status s
       LEFT JOIN tynenc_pins p ON p.app = s.app AND p.id = s.id
       WHERE s.app = ? AND s.finished_at IS NOT NULL AND (s.finished_at < ? OR (s.finished_at, s.seq) <= (?, ?))`,
    );
    // Due at an earlier purge but unread then: due at every later one, whatever finished since.
    this.heldRows = db.prepare(
      `SELECT s.id, s.waiters, p.count AS pins, p.pinned_at, s.finished_at FROM tynenc_status s
       LEFT JOIN tynenc_pins p ON p.app = s.app AND p.id = s.id WHERE s.app = ? AND s.held = 1`,
    );
    this.hold = db.prepare(
      "UPDATE tynenc_status SET held = 1 WHERE app = ? AND held = 0 AND id IN (SELECT value FROM json_each(?))",
    );
    this.remove = db.prepare(
      "DELETE FROM tynenc_status WHERE app = ? AND id IN (SELECT value FROM json_each(?))",
    );
    this.removePins = db.prepare(
      "DELETE FROM tynenc_pins WHERE app = ? AND id IN (SELECT value FROM json_each(?))",
    );
    this.purgeFinished = db.transaction((olderThan: number, keepNewest: number, keep?: IdSet) => {
      const edge = this.cutoff.get(app, keepNewest) as { finished_at: number; seq: number } | undefined;
      const rows = this.due.all(app, olderThan, edge?.finished_at ?? -1, edge?.seq ?? -1) as DueRow[];
      const seen = new Set<string>();
      const purged: string[] = [];
      const held: string[] = [];
      for (const row of [...(this.heldRows.all(app) as DueRow[]), ...rows]) {
        if (seen.has(row.id)) continue;
        seen.add(row.id);
        (unread(row, keep) ? held : purged).push(row.id);
      }
      if (purged.length > 0) {
        const list = JSON.stringify(purged);
        this.remove.run(app, list);
        this.removePins.run(app, list); // expired ones: their reader is gone
      }
      if (held.length > 0) this.hold.run(app, JSON.stringify(held));
      return purged;
    });
  }
}

/** Somebody has not read its result yet: a waiter's edge, a live pin, or awaited in the calling process. */
function unread(row: DueRow, keep: IdSet | undefined): boolean {
  const pinExpired = Date.now() - PIN_EXPIRES_MS;
  const pinned = (row.pins ?? 0) > 0 && Math.max(row.pinned_at ?? 0, row.finished_at) > pinExpired;
  return row.waiters > 0 || pinned || keep?.has(row.id) === true;
}
