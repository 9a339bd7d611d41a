/**
 * A runner process groups the writes of one event-loop turn in one immediate transaction committed at
 * `setImmediate`. Its task code must not run inside that transaction: a CPU-bound task would keep the
 * file's write lock for as long as it computes, and every other process that writes meanwhile (a client
 * registering, another runner claiming or beating) would block, and fail past the busy timeout. The
 * runner flushes before task code (src/runner/sync-guard.ts), so the other process's write goes through.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import { InvocationStatus as S } from "../../src/index.js";
import { tempDir } from "../sqlite-files.js";
import { makeApp, now } from "./fixtures/app.js";
import { Processes } from "./harness.js";

const SPIN_MS = 1000;
/** A write from another process should not wait for the task: a few ms, far below SPIN_MS. */
const STALL_LIMIT_MS = 200;

const processes = new Processes();
afterEach(() => processes.cleanup());

describe("a CPU-bound task in a runner process", () => {
  it("does not stall the writes of other processes while it computes", async () => {
    const dir = tempDir();
    const sqlitePath = join(dir.path, "lock.sqlite");
    const { app, add, spin } = makeApp({ sqlitePath });
    try {
      const runner = processes.start("runner.ts", { TYNENC__SQLITE_PATH: sqlitePath }, "runner");
      await runner.message("started");
      const computing = spin(SPIN_MS);
      await runner.message("spinning");
      const start = now();
      const call = add(1, 2); // registered (written) in this process's next turn
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      const stalled = now() - start;
      assert.equal(await call.status(), S.REGISTERED);
      assert.equal(await computing.result, SPIN_MS);
      assert.equal(await call.result, 3);
      await runner.stop();
      assert.ok(stalled < STALL_LIMIT_MS, `this process was blocked ${stalled.toFixed(0)} ms on its write`);
    } finally {
      await app.close();
      dir.remove();
    }
  });
});
