/**
 * samples/sqlite-workers/demo.ts end to end, as `npm run sample:sqlite` runs it: two runner processes
 * and a client on a temp SQLite file. Checks what it prints (the result, the digests one at a time, both
 * runners busy) and that it leaves nothing behind: no file, and no process, also when it is interrupted
 * or killed with SIGKILL.
 */
import assert from "node:assert/strict";
import { existsSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import {
  noneLeft as noneLeftOf,
  startedHere as startedBy,
  startSample,
  type SampleRun,
} from "./sample-process.js";

const DEMO = fileURLToPath(new URL("../../samples/sqlite-workers/demo.ts", import.meta.url));
/** Set in the demo's environment, which it passes on to its children: finds every process it started. */
const MARK = "TYNENC_SAMPLE_TEST_OWNER";
/** Generous: alone a run takes 10-20 s; on two cores shared with the rest of the suite, up to twice that. */
const TIMEOUT_MS = 60_000;

type Demo = SampleRun;

function startDemo(env: Record<string, string> = {}): Demo {
  return startSample(DEMO, MARK, env);
}

const startedHere = (): number[] => startedBy(MARK);

const noneLeft = (timeoutMs?: number): Promise<void> => noneLeftOf(MARK, timeoutMs);

/** Whatever a test left running, SIGKILL; the database directory the demo named, removed. */
async function cleanUp(demo: Demo): Promise<void> {
  demo.child.kill("SIGKILL");
  for (const pid of startedHere()) process.kill(pid, "SIGKILL");
  const database = demo.output().match(/demo: database (\S+)/)?.[1];
  if (database) rmSync(dirname(database), { recursive: true, force: true });
}

describe("samples/sqlite-workers demo", { timeout: TIMEOUT_MS * 3 }, () => {
  it(
    "runs fib(15) and the digests on two runner processes, both of them busy",
    { timeout: TIMEOUT_MS },
    async () => {
      const demo = startDemo();
      try {
        assert.deepEqual(await demo.exit, { code: 0, signal: null }, demo.output());
        const out = demo.output();
        assert.match(out, /fib\(15\) = 610 \(expected 610\), 1973 fib invocations/);
        assert.match(out, /digests: 8 done in \d process\(es\), one at a time/);
        const shares = [...out.matchAll(/^ {2}runner (\w{8}) \(pid \d+\): ([\d,]+) finished/gm)];
        assert.equal(shares.length, 2, `two runners in the distribution:\n${out}`);
        const finished = shares.map((m) => Number(m[2]!.replaceAll(",", "")));
        assert.ok(
          finished.every((n) => n > 0),
          `both runners finished something: ${finished.join(", ")}`,
        );
        assert.equal(finished[0]! + finished[1]!, 1973 + 8);
        const database = out.match(/demo: database (\S+)/)![1]!;
        assert.equal(existsSync(dirname(database)), false, "the temp directory is removed");
        await noneLeft();
      } finally {
        await cleanUp(demo);
      }
    },
  );

  it(
    "stops its runners and client and removes the file when interrupted (SIGTERM)",
    { timeout: TIMEOUT_MS },
    async () => {
      const demo = startDemo({ FIB_DELAY_MS: "5" }); // a run of seconds, to interrupt in the middle
      try {
        await demo.printed(/registered fib\(15\)/);
        demo.child.kill("SIGTERM");
        assert.equal((await demo.exit).code, 1, demo.output());
        assert.match(demo.output(), /demo: interrupted by SIGTERM/);
        const database = demo.output().match(/demo: database (\S+)/)![1]!;
        assert.equal(existsSync(dirname(database)), false, "the temp directory is removed");
        await noneLeft();
      } finally {
        await cleanUp(demo);
      }
    },
  );

  it("leaves no process behind when it is killed with SIGKILL", { timeout: TIMEOUT_MS }, async () => {
    const demo = startDemo({ FIB_DELAY_MS: "5" });
    try {
      await demo.printed(/registered fib\(15\)/);
      demo.child.kill("SIGKILL");
      await demo.exit;
      await noneLeft(); // the runners stop gracefully and the client exits once their IPC channel closes
    } finally {
      await cleanUp(demo);
    }
  });
});
