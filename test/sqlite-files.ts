import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Backend } from "../src/backends/backend.js";
import { sqliteBackend, type SqliteBackendOptions } from "../src/backends/sqlite/index.js";

/** A fresh directory for one test's database files, removed with `remove()`. */
export function tempDir(prefix = "tynenc-test-"): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A SQLite backend on its own new file; closing it deletes the file. */
export function tempSqliteBackend(options: Omit<SqliteBackendOptions, "path"> = {}): Backend {
  const dir = tempDir();
  const backend = sqliteBackend({ ...options, path: join(dir.path, "test.sqlite") });
  const close = () => backend.close();
  return {
    ...backend,
    close: async () => {
      try {
        await close();
      } finally {
        dir.remove();
      }
    },
  };
}
