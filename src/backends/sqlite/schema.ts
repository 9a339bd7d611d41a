import { BackendError } from "../../errors/errors.js";
import type { SqliteDatabase } from "./driver.js";
import { MIGRATION_001 } from "./migrations/001-initial.js";
import { MIGRATION_002 } from "./migrations/002-due-at.js";
import { MIGRATION_003 } from "./migrations/003-triggers.js";

/** The migrations in order: index i brings the schema from version i to i + 1. */
const MIGRATIONS: readonly string[] = [MIGRATION_001, MIGRATION_002, MIGRATION_003];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Bring the file's schema to this version, each migration in its own immediate transaction (so two
 * processes opening a new file at once do it once). Refuses a file that holds other tables but no
 * tynenc ones, and a tynenc schema newer than this version: nothing is written to either.
 */
export function migrate(db: SqliteDatabase, path: string): void {
  for (;;) {
    const applied = db.transaction(() => step(db, path)).immediate();
    if (!applied) return;
  }
}

/** Applies the next migration, if any; false when the schema is current. */
function step(db: SqliteDatabase, path: string): boolean {
  const version = currentVersion(db, path);
  if (version > SCHEMA_VERSION) {
    throw new BackendError(
      `SQLite database ${path} has tynenc schema version ${version}, newer than this version of tynenc understands (${SCHEMA_VERSION}): upgrade tynenc, or point sqlitePath at another file. Nothing was changed`,
    );
  }
  if (version === SCHEMA_VERSION) return false;
  if (version === 0) {
    db.exec("CREATE TABLE tynenc_meta (key TEXT PRIMARY KEY, value)");
    db.prepare("INSERT INTO tynenc_meta (key, value) VALUES ('schema_version', 0)").run();
  }
  db.exec(MIGRATIONS[version]!);
  db.prepare("UPDATE tynenc_meta SET value = ? WHERE key = 'schema_version'").run(version + 1);
  return true;
}

/** 0 for an empty file; throws for a SQLite file that is somebody else's. */
function currentVersion(db: SqliteDatabase, path: string): number {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .all() as string[];
  if (tables.includes("tynenc_meta")) {
    const row = db.prepare("SELECT value FROM tynenc_meta WHERE key = 'schema_version'").pluck().get();
    if (typeof row === "number") return row;
  }
  if (tables.length === 0) return 0;
  const shown = tables.slice(0, 5).join(", ") + (tables.length > 5 ? ", ..." : "");
  throw new BackendError(
    `SQLite database ${path} is not a tynenc database (it holds other tables: ${shown}); tynenc will not write into it. Point sqlitePath at a new file or an existing tynenc database`,
  );
}
