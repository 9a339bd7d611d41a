import { BackendError } from "../../errors/errors.js";
import { loadDriver, type SqliteDatabase, type SqliteStatement } from "./driver.js";
import { checkDatabasePath } from "./open-file.js";
import { migrate } from "./schema.js";

/** How long (ms) a process waits for another one's write lock before a write fails. */
const BUSY_TIMEOUT_MS = 10_000;
/**
 * While the write lock is taken, look again this often (ms). SQLite's own busy handler backs off to
 * 100 ms sleeps, so a process whose peer holds the lock nearly all the time (a busy runner) would
 * almost never find the short moment it is free.
 */
const LOCK_PROBE_MS = 0.2;
/** After holding the lock this long (ms), a connection pauses YIELD_MS before taking it again. */
const LONG_HOLD_MS = 4;
const YIELD_MS = 0.5;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** A write transaction left open this long is committed before the next write joins it. */
const MAX_HOLD_MS = 8;

/** Connections of this process with a write transaction open (see `open`). */
const openWrites = new Set<SqliteConnection>();
let exitHook = false;

/**
 * A process that exits (`process.exit`, or the end of its script) commits what its last turn wrote:
 * without this, a client that calls a task and exits at once would lose the registration.
 */
function commitOnExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.on("exit", () => {
    for (const conn of [...openWrites]) conn.commit();
  });
}

/**
 * Another connection of this thread holding the write lock would never yield it while a new one waits
 * synchronously for it: commit it first (two apps, or two backends, on one file).
 */
function commitOthers(): void {
  for (const conn of [...openWrites]) conn.commit();
}

/**
 * One connection to the database file, shared by the five components of a `sqliteBackend()`.
 *
 * Writes are grouped: the first write of an event-loop turn begins an immediate transaction (taking
 * the file's write lock), every write of that turn joins it, each in its own savepoint so it is atomic
 * on its own, and the transaction commits at `setImmediate` (or sooner once it has been open
 * MAX_HOLD_MS). One commit per turn instead of one per status change is what makes thousands of
 * invocations a second possible; other processes see the turn's changes together, at its commit.
 */
export class SqliteConnection {
  readonly db: SqliteDatabase;
  readonly path: string;
  private readonly begin: SqliteStatement;
  private readonly commitStatement: SqliteStatement;
  private readonly readSeq: SqliteStatement;
  private readonly writeSeq: SqliteStatement;
  private openedAt = 0;
  private openedAtPrecise = 0;
  private committedAt = 0;
  /** How long (ms) the last committed transaction held the lock. */
  private heldFor = 0;
  private commitScheduled = false;
  /** The last seq handed out in the open transaction (undefined: none open, read it at begin). */
  private seq: number | undefined;
  private seqAtBegin = 0;
  private closed = false;
  /** Told when a grouped commit fails (its changes are lost): the backend logs it. */
  onCommitError: (error: unknown) => void = () => {};

  constructor(path: string) {
    this.path = checkDatabasePath(path);
    const Database = loadDriver();
    commitOthers();
    this.db = openShared(Database, this.path);
    commitOnExit();
    this.begin = this.db.prepare("BEGIN IMMEDIATE");
    this.commitStatement = this.db.prepare("COMMIT");
    this.readSeq = this.db.prepare("SELECT value FROM tynenc_meta WHERE key = 'seq'").pluck();
    this.writeSeq = this.db.prepare("UPDATE tynenc_meta SET value = ? WHERE key = 'seq'");
  }

  /**
   * Run `change` (a `db.transaction(...)` function, so it gets a savepoint) in this turn's write
   * transaction, beginning one if none is open.
   */
  write<A extends unknown[], R>(change: (...args: A) => R, ...args: A): R {
    if (this.closed) throw new BackendError(`SQLite database ${this.path} is closed`);
    if (!this.db.inTransaction) this.open();
    else if (Date.now() - this.openedAt > MAX_HOLD_MS) {
      this.commit();
      this.open();
    }
    return change(...args);
  }

  /** The next value of the file's change order; only inside `write`. */
  nextSeq(): number {
    if (this.seq === undefined) throw new Error("nextSeq() outside a write transaction");
    return ++this.seq;
  }

  private open(): void {
    commitOthers();
    this.takeLock();
    openWrites.add(this);
    this.openedAt = Date.now();
    this.openedAtPrecise = performance.now();
    this.seq = this.seqAtBegin = this.readSeq.get() as number;
    if (!this.commitScheduled) {
      this.commitScheduled = true;
      setImmediate(() => {
        this.commitScheduled = false;
        this.commit();
      });
    }
  }

  /** BEGIN IMMEDIATE, waiting up to BUSY_TIMEOUT_MS for another process's write lock. */
  private takeLock(): void {
    // A connection that just held the lock for long lets a waiting process have it first.
    const sinceCommit = performance.now() - this.committedAt;
    if (this.heldFor > LONG_HOLD_MS && sinceCommit < YIELD_MS) pause(YIELD_MS - sinceCommit);
    const deadline = Date.now() + BUSY_TIMEOUT_MS;
    for (;;) {
      try {
        this.begin.run();
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() > deadline) {
          throw new BackendError(
            `SQLite database ${this.path}: could not take the write lock within ${BUSY_TIMEOUT_MS} ms (another process holds it: one blocked in synchronous code while it had written?): ${(error as Error).message}`,
            { cause: error },
          );
        }
        pause(LOCK_PROBE_MS);
      }
    }
  }

  /** Commit the open transaction now (a no-op when none is open). */
  commit(): void {
    openWrites.delete(this);
    if (!this.db.open || !this.db.inTransaction) return;
    try {
      if (this.seq !== undefined && this.seq !== this.seqAtBegin) this.writeSeq.run(this.seq);
      this.commitStatement.run();
      this.committedAt = performance.now();
      this.heldFor = this.committedAt - this.openedAtPrecise;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      this.onCommitError(error);
    } finally {
      this.seq = undefined;
    }
  }

  close(): void {
    if (this.closed) return;
    this.commit();
    this.closed = true;
    this.db.close();
  }
}

/**
 * Open the file in WAL mode and bring its schema up to date. Processes opening a new file at once may
 * get SQLITE_BUSY without SQLite's busy handler ever waiting (switching to WAL, upgrading a read to a
 * write): such an open is retried, with short pauses, for up to BUSY_TIMEOUT_MS.
 */
function openShared(Database: ReturnType<typeof loadDriver>, path: string): SqliteDatabase {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let attempt = 0; ; attempt++) {
    let db: SqliteDatabase | undefined;
    try {
      db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      db.pragma("journal_size_limit = 67108864");
      migrate(db, path);
      // From now on SQLite's handler waits only briefly; `takeLock` retries more often than it would.
      db.pragma("busy_timeout = 2");
      return db;
    } catch (error) {
      db?.close();
      if (error instanceof BackendError) throw error;
      const busy = (error as { code?: string }).code?.startsWith("SQLITE_BUSY") ?? false;
      if (busy && Date.now() < deadline) {
        pause(Math.min(50, 2 ** attempt));
        continue;
      }
      throw new BackendError(`Cannot open SQLite database ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}

/** Sleep the thread (the write lock is synchronous: there is nothing else this thread could do). */
function pause(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
