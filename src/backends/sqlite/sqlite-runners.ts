import type { RunnerInfo } from "../../orchestrator/orchestrator-store.js";
import type { SqliteConnection } from "./connection.js";
import type { SqliteStatement } from "./driver.js";

interface RunnerRow {
  runner_id: string;
  cls: string;
  hostname: string;
  pid: number;
  started_at: number;
  heartbeat_at: number;
}

/** The runner registry (`tynenc_runners`) and leases (`tynenc_leases`) of one app. */
export class SqliteRunners {
  private readonly beat: SqliteStatement;
  private readonly remove: SqliteStatement;
  private readonly list: SqliteStatement;
  private readonly lease: SqliteStatement;
  private readonly setLease: SqliteStatement;
  private readonly wipeRunners: SqliteStatement;
  private readonly wipeLeases: SqliteStatement;
  private readonly acquire: (name: string, holder: string, at: number, until: number) => boolean;

  constructor(
    private readonly conn: SqliteConnection,
    private readonly app: string,
  ) {
    const db = conn.db;
    this.beat = db.prepare(
      `INSERT INTO tynenc_runners (app, runner_id, cls, hostname, pid, started_at, heartbeat_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (app, runner_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`,
    );
    this.remove = db.prepare("DELETE FROM tynenc_runners WHERE app = ? AND runner_id = ?");
    this.list = db.prepare(
      "SELECT runner_id, cls, hostname, pid, started_at, heartbeat_at FROM tynenc_runners WHERE app = ? ORDER BY started_at",
    );
    this.lease = db.prepare("SELECT holder, until FROM tynenc_leases WHERE app = ? AND name = ?");
    this.setLease = db.prepare(
      `INSERT INTO tynenc_leases (app, name, holder, until) VALUES (?, ?, ?, ?)
       ON CONFLICT (app, name) DO UPDATE SET holder = excluded.holder, until = excluded.until`,
    );
    this.wipeRunners = db.prepare("DELETE FROM tynenc_runners WHERE app = ?");
    this.wipeLeases = db.prepare("DELETE FROM tynenc_leases WHERE app = ?");
    this.acquire = db.transaction((name: string, holder: string, at: number, until: number) => {
      const current = this.lease.get(app, name) as { holder: string; until: number } | undefined;
      if (current && current.holder !== holder && current.until >= at) return false;
      this.setLease.run(app, name, holder, until);
      return true;
    });
  }

  heartbeat(r: RunnerInfo): void {
    this.conn.write(() =>
      this.beat.run(this.app, r.runnerId, r.cls, r.hostname, r.pid, r.startedAt, r.heartbeatAt),
    );
  }

  removeRunner(runnerId: string): void {
    this.conn.write(() => this.remove.run(this.app, runnerId));
  }

  runners(): RunnerInfo[] {
    return (this.list.all(this.app) as RunnerRow[]).map((row) => ({
      runnerId: row.runner_id,
      cls: row.cls,
      hostname: row.hostname,
      pid: row.pid,
      startedAt: row.started_at,
      heartbeatAt: row.heartbeat_at,
    }));
  }

  acquireLease(name: string, holder: string, at: number, until: number): boolean {
    return this.conn.write(this.acquire, name, holder, at, until);
  }

  clear(): void {
    this.wipeRunners.run(this.app);
    this.wipeLeases.run(this.app);
  }
}
