import { FinalEvents } from "../../orchestrator/final-events.js";
import type { Notifier, Unsubscribe } from "../../orchestrator/notifier.js";
import { InvocationStatus, isFinal } from "../../invocation/status.js";
import { RecentIds } from "../../util/recent-ids.js";
import { ChangeWatcher } from "./change-watcher.js";
import type { SqliteConnection } from "./connection.js";
import type { SqliteStatement } from "./driver.js";

interface ChangedRow {
  id: string;
  status: InvocationStatus;
  cancel_requested: number;
}

/**
 * In this process, listeners run synchronously inside publish (as on memory). Changes made by other
 * processes are read from the file while anybody listens: `PRAGMA data_version` tells at almost no
 * cost whether another connection committed, the queue's insert counter whether work was routed, and
 * the status rows changed since the last check (`tynenc_status_seq`) which invocations became final or
 * had a cancel requested. ChangeWatcher decides when to look.
 */
export class SqliteNotifier implements Notifier {
  readonly inProcess = true;
  private readonly work = new Set<() => void>();
  private readonly finals = new FinalEvents();
  private readonly cancels = new Set<(id: string) => void>();
  private readonly cancelsSeen = new RecentIds(10_000);
  private readonly watcher: ChangeWatcher;
  private readonly dataVersion: SqliteStatement;
  private readonly queueCounter: SqliteStatement;
  private readonly maxSeq: SqliteStatement;
  private readonly changed: SqliteStatement;
  /** One snapshot for the three reads, so nothing committed between them is skipped. */
  private readonly look: () => { queue: number; rows: ChangedRow[]; max: number };
  private lastVersion = -1;
  private lastQueue = 0;
  private lastSeq = 0;

  constructor(
    conn: SqliteConnection,
    private readonly app: string,
  ) {
    const db = conn.db;
    this.dataVersion = db.prepare("PRAGMA data_version").pluck();
    this.queueCounter = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'tynenc_queue'").pluck();
    this.maxSeq = db.prepare("SELECT max(seq) FROM tynenc_status WHERE app = ?").pluck();
    this.changed = db.prepare(
      `SELECT id, status, cancel_requested FROM tynenc_status WHERE app = ? AND seq > ?
       AND (finished_at IS NOT NULL OR cancel_requested = 1) ORDER BY seq`,
    );
    this.look = db.transaction(() => ({
      queue: (this.queueCounter.get() as number | undefined) ?? 0,
      rows: this.changed.all(app, this.lastSeq) as ChangedRow[],
      max: (this.maxSeq.get(app) as number | null) ?? 0,
    }));
    this.watcher = new ChangeWatcher(conn.path, () => this.check());
  }

  onWork(listener: () => void): Unsubscribe {
    this.work.add(listener);
    this.listening();
    return () => {
      this.work.delete(listener);
      this.listening();
    };
  }

  publishWork(): void {
    for (const listener of this.work) listener();
  }

  onFinal(id: string, listener: () => void): Unsubscribe {
    const off = this.finals.on(id, listener);
    this.listening();
    return () => {
      off();
      this.listening();
    };
  }

  publishFinal(id: string): void {
    this.finals.publish(id);
    this.listening();
  }

  onCancel(listener: (id: string) => void): Unsubscribe {
    this.cancels.add(listener);
    this.listening();
    return () => {
      this.cancels.delete(listener);
      this.listening();
    };
  }

  publishCancel(id: string): void {
    this.cancelsSeen.add(id);
    for (const listener of this.cancels) listener(id);
  }

  async close(): Promise<void> {
    this.work.clear();
    this.cancels.clear();
    this.finals.clear();
    this.watcher.stop();
  }

  /** Watch the file while anybody listens; keep the process alive while somebody awaits a result. */
  private listening(): void {
    const any = this.work.size > 0 || this.cancels.size > 0 || this.finals.size > 0;
    if (any && !this.watching) this.startWatching();
    else if (!any && this.watching) this.stopWatching();
    this.watcher.setKeepAlive(this.finals.size > 0);
  }

  private watching = false;

  private startWatching(): void {
    this.watching = true;
    this.lastVersion = this.dataVersion.get() as number;
    this.lastQueue = (this.queueCounter.get() as number | undefined) ?? 0;
    this.lastSeq = (this.maxSeq.get(this.app) as number | null) ?? 0;
    this.watcher.start();
  }

  private stopWatching(): void {
    this.watching = false;
    this.watcher.stop();
  }

  /** What other processes committed since the last look; true when anything did. */
  private check(): boolean {
    const version = this.dataVersion.get() as number;
    if (version === this.lastVersion) return false;
    this.lastVersion = version;
    const { queue, rows, max } = this.look();
    this.lastSeq = Math.max(this.lastSeq, max);
    for (const row of rows) {
      if (isFinal(row.status)) this.finals.publish(row.id);
      else if (row.cancel_requested && !this.cancelsSeen.has(row.id)) this.announceCancel(row.id);
    }
    if (queue > this.lastQueue) {
      this.lastQueue = queue;
      this.publishWork();
    }
    this.watcher.setKeepAlive(this.finals.size > 0);
    return true;
  }

  private announceCancel(id: string): void {
    this.cancelsSeen.add(id);
    for (const listener of this.cancels) listener(id);
  }
}
