import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { BackendError, Tynenc } from "../../src/index.js";
import { sqliteBackend } from "../../src/backends/sqlite/index.js";
import { SCHEMA_VERSION } from "../../src/backends/sqlite/schema.js";
import { tempDir } from "../sqlite-files.js";

/** tsx by URL: the children below run in a temp directory, where `--import tsx` would not resolve. */
const TSX = import.meta.resolve("tsx");
const dirs: { remove: () => void }[] = [];
after(() => dirs.forEach((d) => d.remove()));

function dir(): string {
  const d = tempDir();
  dirs.push(d);
  return d.path;
}

function openError(path: string): BackendError {
  try {
    const backend = sqliteBackend({ path });
    void backend.close();
  } catch (error) {
    assert.ok(error instanceof BackendError, `not a BackendError: ${String(error)}`);
    return error;
  }
  assert.fail(`opening ${path} did not fail`);
}

describe("sqlite backend: files it refuses, each with a message naming the file and what to do", () => {
  it("a directory that does not exist", () => {
    const path = join(dir(), "missing", "db.sqlite");
    const error = openError(path);
    assert.match(error.message, /missing" does not exist|missing does not exist/);
    assert.match(error.message, /sqlitePath/);
    assert.ok(error.message.includes(path));
  });

  it("a path whose directory is a file", () => {
    const file = join(dir(), "plain");
    writeFileSync(file, "x");
    const error = openError(join(file, "db.sqlite"));
    assert.match(error.message, /not a directory/);
  });

  it(
    "a directory that is not writable",
    process.getuid?.() === 0 ? { skip: "running as root, which may write anywhere" } : {},
    () => {
      const d = dir();
      chmodSync(d, 0o500);
      try {
        const error = openError(join(d, "db.sqlite"));
        assert.match(error.message, /not writable/);
      } finally {
        chmodSync(d, 0o700);
      }
    },
  );

  it("a file that is not SQLite, left untouched", () => {
    const path = join(dir(), "notes.txt");
    writeFileSync(path, "my notes, not a database\n");
    const error = openError(path);
    assert.match(error.message, /is not a SQLite database/);
    assert.ok(error.message.includes(path));
    assert.equal(readFileSync(path, "utf8"), "my notes, not a database\n");
  });

  it("a SQLite database of another program, left untouched", () => {
    const path = join(dir(), "other.sqlite");
    const db = new Database(path);
    db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)");
    db.close();
    const error = openError(path);
    assert.match(error.message, /not a tynenc database/);
    assert.match(error.message, /users/);
    const check = new Database(path, { readonly: true });
    const tables = check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    check.close();
    assert.deepEqual(tables, ["users"]);
  });

  it("a tynenc schema newer than this version", () => {
    const path = join(dir(), "future.sqlite");
    void sqliteBackend({ path }).close();
    const db = new Database(path);
    db.prepare("UPDATE tynenc_meta SET value = ? WHERE key = 'schema_version'").run(SCHEMA_VERSION + 1);
    db.close();
    const error = openError(path);
    assert.match(error.message, new RegExp(`schema version ${SCHEMA_VERSION + 1}`));
    assert.match(error.message, /upgrade tynenc/);
  });
});

describe("sqlite backend: schema and apps", () => {
  it("creates the schema once, at the current version, and reopens an existing file", async () => {
    const path = join(dir(), "db.sqlite");
    await sqliteBackend({ path }).close();
    await sqliteBackend({ path }).close();
    const db = new Database(path, { readonly: true });
    const version = db.prepare("SELECT value FROM tynenc_meta WHERE key = 'schema_version'").pluck().get();
    const mode = db.pragma("journal_mode", { simple: true });
    db.close();
    assert.equal(version, SCHEMA_VERSION);
    assert.equal(mode, "wal");
  });

  it("keeps two apps in one file apart", async () => {
    const path = join(dir(), "shared.sqlite");
    const a = new Tynenc({ appId: "a", backend: "sqlite", sqlitePath: path, loggingLevel: "silent" });
    const b = new Tynenc({ appId: "b", backend: "sqlite", sqlitePath: path, loggingLevel: "silent" });
    try {
      const task = a.task("t", async () => 1);
      b.task("t", async () => 2);
      const inv = task();
      assert.equal(await inv.status(), "REGISTERED");
      assert.equal((await a.getInvocation(inv.id)).id, inv.id);
      await assert.rejects(b.getInvocation(inv.id), /No invocation with id/);
      assert.deepEqual(await b.backend.orchestratorStore.countByStatus(), {});
      assert.equal(await b.backend.broker.count(), 0);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("is chosen by TYNENC__BACKEND and TYNENC__SQLITE_PATH", () => {
    const d = dir();
    const script = `import { Tynenc } from ${JSON.stringify(new URL("../../src/index.js", import.meta.url).href)};
      const app = new Tynenc({ loggingLevel: "silent" });
      console.log(app.backend.name);
      await app.close();`;
    const out = execFileSync(process.execPath, ["--import", TSX, "--input-type=module", "-e", script], {
      cwd: d,
      env: { ...process.env, TYNENC__BACKEND: "sqlite", TYNENC__SQLITE_PATH: "env.sqlite" },
      encoding: "utf8",
    });
    assert.equal(out.trim(), "sqlite");
    assert.ok(readdirSync(d).includes("env.sqlite"));
  });

  it("says what to install when better-sqlite3 is missing", () => {
    const hide = fileURLToPath(new URL("./fixtures/hide-better-sqlite3.cjs", import.meta.url));
    const script = `import { Tynenc } from ${JSON.stringify(new URL("../../src/index.js", import.meta.url).href)};
      try { new Tynenc({ backend: "sqlite", loggingLevel: "silent" }).backend; } catch (e) { console.log(e.name + ": " + e.message); }`;
    const run = spawnSync(
      process.execPath,
      ["--require", hide, "--import", TSX, "--input-type=module", "-e", script],
      {
        cwd: dir(),
        encoding: "utf8",
      },
    );
    assert.match(run.stdout, /BackendError: .*npm install better-sqlite3@12/);
  });
});
