import type { InvocationRecord, Outcome } from "../../invocation/invocation-record.js";
import type { TriggeredBy } from "../../triggers/trigger-store.js";
import type { StateBackend } from "../../state-backend/state-backend.js";
import type { SqliteConnection } from "./connection.js";
import type { SqliteStatement } from "./driver.js";

interface RecordRow {
  id: string;
  parent_id: string | null;
  task_id: string | null;
  args_id: string;
  args: string;
  created_at: number;
  running_key: string | null;
  large_value_keys: string | null;
  due_at: number | null;
  triggered_by: string | null;
}

interface OutcomeRow {
  outcome_ok: number | null;
  outcome: string | null;
  outcome_large_key: string | null;
}

const RECORD_COLUMNS =
  "id, parent_id, task_id, args_id, args, created_at, running_key, large_value_keys, due_at, triggered_by";

/** Records and outcomes in `tynenc_records`, one row per invocation, a column per field. */
export class SqliteStateBackend implements StateBackend {
  private readonly save: SqliteStatement;
  private readonly one: SqliteStatement;
  private readonly many: SqliteStatement;
  private readonly children: SqliteStatement;
  private readonly outcomeSet: SqliteStatement;
  private readonly outcomeSetIfAbsent: SqliteStatement;
  private readonly outcomeGet: SqliteStatement;
  private readonly heldKeys: SqliteStatement;
  private readonly remove: SqliteStatement;
  private readonly wipe: SqliteStatement;
  private readonly saveAll: (records: readonly InvocationRecord[]) => void;
  private readonly deleteAll: (ids: readonly string[]) => string[];

  constructor(
    private readonly conn: SqliteConnection,
    private readonly app: string,
  ) {
    const db = conn.db;
    this.save = db.prepare(
      `INSERT INTO tynenc_records (app, ${RECORD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (app, id) DO UPDATE SET parent_id = excluded.parent_id, task_id = excluded.task_id,
         args_id = excluded.args_id, args = excluded.args, created_at = excluded.created_at,
         running_key = excluded.running_key, large_value_keys = excluded.large_value_keys,
         due_at = excluded.due_at, triggered_by = excluded.triggered_by`,
    );
    this.one = db.prepare(
      `SELECT ${RECORD_COLUMNS} FROM tynenc_records WHERE app = ? AND id = ? AND task_id IS NOT NULL`,
    );
    this.many = db.prepare(
      `SELECT ${RECORD_COLUMNS} FROM tynenc_records
       WHERE app = ? AND id IN (SELECT value FROM json_each(?)) AND task_id IS NOT NULL`,
    );
    this.children = db
      .prepare("SELECT id FROM tynenc_records WHERE app = ? AND parent_id = ? ORDER BY rowid")
      .pluck();
    const upsertOutcome = `INSERT INTO tynenc_records (app, id, outcome_ok, outcome, outcome_large_key)
      VALUES (?, ?, ?, ?, ?) ON CONFLICT (app, id) DO UPDATE SET outcome_ok = excluded.outcome_ok,
      outcome = excluded.outcome, outcome_large_key = excluded.outcome_large_key`;
    this.outcomeSet = db.prepare(upsertOutcome);
    this.outcomeSetIfAbsent = db.prepare(`${upsertOutcome} WHERE outcome_ok IS NULL`);
    this.outcomeGet = db.prepare(
      "SELECT outcome_ok, outcome, outcome_large_key FROM tynenc_records WHERE app = ? AND id = ?",
    );
    this.heldKeys = db.prepare(
      `SELECT large_value_keys, outcome_large_key FROM tynenc_records
       WHERE app = ? AND id IN (SELECT value FROM json_each(?))`,
    );
    this.remove = db.prepare(
      "DELETE FROM tynenc_records WHERE app = ? AND id IN (SELECT value FROM json_each(?))",
    );
    this.wipe = db.prepare("DELETE FROM tynenc_records WHERE app = ?");
    this.saveAll = db.transaction((records: readonly InvocationRecord[]) => {
      for (const r of records) {
        const keys = r.largeValueKeys?.length ? JSON.stringify(r.largeValueKeys) : null;
        this.save.run(
          app,
          r.id,
          r.parentId,
          r.taskId,
          r.argsId,
          r.serializedArgs,
          r.createdAt,
          r.runningKey ?? null,
          keys,
          r.dueAt ?? null,
          r.triggeredBy ? JSON.stringify(r.triggeredBy) : null,
        );
      }
    });
    this.deleteAll = db.transaction((ids: readonly string[]) => {
      const list = JSON.stringify(ids);
      const keys: string[] = [];
      for (const row of this.heldKeys.all(app, list) as {
        large_value_keys: string | null;
        outcome_large_key: string | null;
      }[]) {
        if (row.large_value_keys)
          for (const key of JSON.parse(row.large_value_keys) as string[]) keys.push(key);
        if (row.outcome_large_key) keys.push(row.outcome_large_key);
      }
      this.remove.run(app, list);
      return keys;
    });
  }

  saveInvocations(records: readonly InvocationRecord[]): void {
    if (records.length > 0) this.conn.write(this.saveAll, records);
  }

  getInvocation(id: string): InvocationRecord | undefined {
    const row = this.one.get(this.app, id) as RecordRow | undefined;
    return row && recordOf(row);
  }

  getInvocations(ids: readonly string[]): InvocationRecord[] {
    if (ids.length === 0) return [];
    const found = new Map<string, InvocationRecord>();
    for (const row of this.many.all(this.app, JSON.stringify(ids)) as RecordRow[])
      found.set(row.id, recordOf(row));
    const out: InvocationRecord[] = [];
    for (const id of ids) {
      const record = found.get(id);
      if (record) out.push(record);
    }
    return out;
  }

  getChildren(parentId: string): string[] {
    return this.children.all(this.app, parentId) as string[];
  }

  setOutcome(id: string, outcome: Outcome, ifAbsent?: boolean): void {
    const text = outcome.ok ? outcome.value : outcome.error;
    const statement = ifAbsent ? this.outcomeSetIfAbsent : this.outcomeSet;
    const write = () => statement.run(this.app, id, outcome.ok ? 1 : 0, text, outcome.largeValueKey ?? null);
    this.conn.write(write);
  }

  getOutcome(id: string): Outcome | undefined {
    const row = this.outcomeGet.get(this.app, id) as OutcomeRow | undefined;
    if (!row || row.outcome_ok === null) return undefined;
    const largeValueKey = row.outcome_large_key ?? undefined;
    const text = row.outcome ?? "";
    if (row.outcome_ok)
      return largeValueKey ? { ok: true, value: text, largeValueKey } : { ok: true, value: text };
    return largeValueKey ? { ok: false, error: text, largeValueKey } : { ok: false, error: text };
  }

  deleteInvocations(ids: readonly string[]): string[] {
    return ids.length === 0 ? [] : this.conn.write(this.deleteAll, ids);
  }

  purge(): void {
    this.conn.write(() => this.wipe.run(this.app));
  }
}

function recordOf(row: RecordRow): InvocationRecord {
  const record: {
    -readonly [K in keyof InvocationRecord]: InvocationRecord[K];
  } = {
    id: row.id,
    taskId: row.task_id!,
    argsId: row.args_id,
    serializedArgs: row.args,
    parentId: row.parent_id,
    createdAt: row.created_at,
  };
  if (row.running_key !== null) record.runningKey = row.running_key;
  if (row.large_value_keys !== null) record.largeValueKeys = JSON.parse(row.large_value_keys) as string[];
  if (row.due_at !== null) record.dueAt = row.due_at;
  if (row.triggered_by !== null) record.triggeredBy = JSON.parse(row.triggered_by) as TriggeredBy;
  return record;
}
