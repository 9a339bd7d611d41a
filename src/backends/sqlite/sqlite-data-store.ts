import type { DataStore } from "../../data-store/data-store.js";
import type { SqliteConnection } from "./connection.js";
import type { SqliteStatement } from "./driver.js";

/** Large values in `tynenc_data`, by content hash, with their reference counts. */
export class SqliteDataStore implements DataStore {
  private readonly s: Record<string, SqliteStatement>;
  private readonly releaseAll: (keys: readonly string[]) => void;

  constructor(
    private readonly conn: SqliteConnection,
    private readonly app: string,
  ) {
    const db = conn.db;
    this.s = {
      put: db.prepare(
        "INSERT INTO tynenc_data (app, key, text, refs) VALUES (?, ?, ?, 1) ON CONFLICT (app, key) DO UPDATE SET refs = refs + 1",
      ),
      retain: db.prepare("UPDATE tynenc_data SET refs = refs + 1 WHERE app = ? AND key = ?"),
      release: db.prepare("UPDATE tynenc_data SET refs = refs - 1 WHERE app = ? AND key = ?"),
      dropUnused: db.prepare("DELETE FROM tynenc_data WHERE app = ? AND key = ? AND refs <= 0"),
      get: db.prepare("SELECT text FROM tynenc_data WHERE app = ? AND key = ?").pluck(),
      has: db.prepare("SELECT 1 FROM tynenc_data WHERE app = ? AND key = ?").pluck(),
      delete: db.prepare("DELETE FROM tynenc_data WHERE app = ? AND key = ?"),
      wipe: db.prepare("DELETE FROM tynenc_data WHERE app = ?"),
      size: db.prepare("SELECT count(*) FROM tynenc_data WHERE app = ?").pluck(),
      bytes: db
        .prepare("SELECT coalesce(sum(length(CAST(text AS BLOB))), 0) FROM tynenc_data WHERE app = ?")
        .pluck(),
      references: db.prepare("SELECT refs FROM tynenc_data WHERE app = ? AND key = ?").pluck(),
    };
    this.releaseAll = db.transaction((keys: readonly string[]) => {
      for (const key of keys) {
        this.s.release!.run(app, key);
        this.s.dropUnused!.run(app, key);
      }
    });
  }

  put(key: string, text: string): void {
    this.conn.write(() => this.s.put!.run(this.app, key, text));
  }

  retain(key: string): boolean {
    return this.conn.write(() => this.s.retain!.run(this.app, key).changes > 0);
  }

  release(keys: readonly string[]): void {
    if (keys.length > 0) this.conn.write(this.releaseAll, keys);
  }

  get(key: string): string | undefined {
    return this.s.get!.get(this.app, key) as string | undefined;
  }

  has(key: string): boolean {
    return this.s.has!.get(this.app, key) !== undefined;
  }

  delete(keys: readonly string[]): void {
    this.conn.write(() => {
      for (const key of keys) this.s.delete!.run(this.app, key);
    });
  }

  /** How many texts are stored (inspection, as on MemoryDataStore). */
  get size(): number {
    return this.s.size!.get(this.app) as number;
  }

  /** UTF-8 bytes of all stored texts. */
  get bytes(): number {
    return this.s.bytes!.get(this.app) as number;
  }

  /** How many references a key has (0 when it is not stored). */
  references(key: string): number {
    return (this.s.references!.get(this.app, key) as number | undefined) ?? 0;
  }

  purge(): void {
    this.conn.write(() => this.s.wipe!.run(this.app));
  }
}
