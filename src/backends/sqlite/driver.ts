import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import { BackendError } from "../../errors/errors.js";

export type SqliteDatabase = BetterSqlite3.Database;
export type SqliteStatement = BetterSqlite3.Statement;
type DatabaseConstructor = typeof BetterSqlite3;

let loaded: DatabaseConstructor | undefined;

/**
 * better-sqlite3, loaded on first use: it is an optional peer dependency, so a memory-only app never
 * needs it. Loaded with `require` (it is CommonJS) so that opening a database stays synchronous.
 */
export function loadDriver(): DatabaseConstructor {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  try {
    loaded = require("better-sqlite3") as DatabaseConstructor;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND";
    throw new BackendError(
      missing
        ? 'backend "sqlite" needs the better-sqlite3 package, which is not installed: run `npm install better-sqlite3@12` (12.x: 13.x needs Node 22)'
        : `backend "sqlite" could not load better-sqlite3: ${(error as Error).message}. Reinstall it with \`npm install better-sqlite3@12\` (12.x: 13.x needs Node 22)`,
      { cause: error },
    );
  }
  return loaded;
}
