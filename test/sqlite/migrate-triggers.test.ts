/**
 * Schema version 3 (migration 003): a file written at version 2 opens, migrates once, keeps its records
 * (without triggeredBy), and then stores triggeredBy, composite parts and cron ticks.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import { sqliteBackend } from "../../src/backends/sqlite/index.js";
import { MIGRATION_001 } from "../../src/backends/sqlite/migrations/001-initial.js";
import { MIGRATION_002 } from "../../src/backends/sqlite/migrations/002-due-at.js";
import { SCHEMA_VERSION } from "../../src/backends/sqlite/schema.js";
import type { TriggeredBy } from "../../src/triggers/trigger-store.js";
import { tempDir } from "../sqlite-files.js";

const dirs: { remove: () => void }[] = [];
after(() => dirs.forEach((d) => d.remove()));

/** A file as tynenc at schema version 2 left it, holding one record of app "test". */
function versionTwoFile(): string {
  const dir = tempDir();
  dirs.push(dir);
  const path = join(dir.path, "v2.sqlite");
  const db = new Database(path);
  db.exec("CREATE TABLE tynenc_meta (key TEXT PRIMARY KEY, value)");
  db.prepare("INSERT INTO tynenc_meta (key, value) VALUES ('schema_version', 2)").run();
  db.exec(MIGRATION_001);
  db.exec(MIGRATION_002);
  db.prepare(
    `INSERT INTO tynenc_records (app, id, parent_id, task_id, args_id, args, created_at, due_at)
     VALUES ('test', 'old', NULL, 't', 'a', '[1]', 5, 77)`,
  ).run();
  db.close();
  return path;
}

function schemaVersion(path: string): unknown {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare("SELECT value FROM tynenc_meta WHERE key = 'schema_version'").pluck().get();
  } finally {
    db.close();
  }
}

void describe("sqlite: a version 2 file migrates to triggers (schema 3)", () => {
  void it("keeps its records and then stores triggeredBy, composite parts and cron ticks", async () => {
    const path = versionTwoFile();
    assert.equal(SCHEMA_VERSION, 3);
    const backend = sqliteBackend({ path, appId: "test" });
    try {
      assert.equal(schemaVersion(path), 3);
      const old = await backend.stateBackend.getInvocation("old");
      assert.deepEqual(old, {
        id: "old",
        taskId: "t",
        argsId: "a",
        serializedArgs: "[1]",
        parentId: null,
        createdAt: 5,
        dueAt: 77,
      });
      const triggeredBy: TriggeredBy = { triggerId: "tr", sources: [{ kind: "cron", at: 1000 }] };
      assert.ok(old);
      const record = { ...old, id: "new", triggeredBy };
      await backend.stateBackend.saveInvocations([record]);
      assert.deepEqual(await backend.stateBackend.getInvocation("new"), record);
      const store = backend.triggerStore;
      assert.equal(store.satisfyPart("t", 0, 2, "a"), null);
      assert.deepEqual(store.satisfyPart("t", 1, 2, "b"), ["a", "b"]);
      assert.equal(store.claimCronTick("c", 1000), true);
    } finally {
      await backend.close();
    }
    const again = sqliteBackend({ path, appId: "test" });
    try {
      assert.equal(again.triggerStore.lastCronTick("c"), 1000, "kept across a reopen");
      assert.equal(again.triggerStore.claimCronTick("c", 1000), false);
    } finally {
      await again.close();
    }
  });
});
