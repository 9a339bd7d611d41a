import { accessSync, closeSync, constants, openSync, readSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { BackendError } from "../../errors/errors.js";

const SQLITE_HEADER = "SQLite format 3\0";

/**
 * Checks, before SQLite touches anything, that `path` can hold a tynenc database: its directory exists
 * and is writable, and an existing file is a SQLite database. Returns the absolute path.
 */
export function checkDatabasePath(path: string): string {
  const file = resolve(path);
  const dir = dirname(file);
  const fix = "set sqlitePath (TYNENC__SQLITE_PATH) to a file in a writable directory";
  let dirStat;
  try {
    dirStat = statSync(dir);
  } catch {
    throw new BackendError(`SQLite database ${file}: directory ${dir} does not exist; create it, or ${fix}`);
  }
  if (!dirStat.isDirectory()) {
    throw new BackendError(`SQLite database ${file}: ${dir} is not a directory; ${fix}`);
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new BackendError(
      `SQLite database ${file}: directory ${dir} is not writable (SQLite writes its -wal and -shm files beside the database); ${fix}`,
    );
  }
  checkExistingFile(file);
  return file;
}

function checkExistingFile(file: string): void {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new BackendError(`SQLite database ${file} is not a regular file`);
    size = stat.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return; // created on open
    throw error;
  }
  if (size === 0) return; // an empty file is a valid, empty database
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(file, "r");
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString("latin1") !== SQLITE_HEADER) {
    throw new BackendError(
      `${file} is not a SQLite database; tynenc left it untouched. Point sqlitePath at a new file or an existing tynenc database`,
    );
  }
}
