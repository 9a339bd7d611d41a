/**
 * The SQLite stores' hot lookups use their indexes. SQLite uses a partial index only for a query that
 * names the index's WHERE terms, so a query that narrows them in other words falls back to another
 * index and walks every row of the app: the wait graph's ready lookup (each claim) did, and the claims
 * slowed down as the table grew (10,000 trivial invocations on one runner process: 7,000–8,000/s
 * before, 600–900/s after, the later runs of one bench slower than the first).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { sqliteBackend } from "../../src/backends/sqlite/index.js";
import { tempDir } from "../sqlite-files.js";

void describe("SQLite query plans", () => {
  void it("the wait graph's ready lookup uses the partial index tynenc_status_ready", async () => {
    const dir = tempDir();
    const path = join(dir.path, "plans.sqlite");
    const backend = sqliteBackend({ path, appId: "plans" });
    try {
      const store = backend.orchestratorStore as unknown as { graph: { readyIds: { source: string } } };
      const db = new Database(path, { readonly: true });
      try {
        const rows = db.prepare(`EXPLAIN QUERY PLAN ${store.graph.readyIds.source}`).all("plans", 10);
        const plan = (rows as { detail: string }[]).map((row) => row.detail).join(" | ");
        assert.match(plan, /SEARCH s USING INDEX tynenc_status_ready \(app=\?\)/, plan);
      } finally {
        db.close();
      }
    } finally {
      await backend.close();
      dir.remove();
    }
  });
});
