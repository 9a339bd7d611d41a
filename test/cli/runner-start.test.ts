/**
 * `tynenc runner start` for real: the CLI in a child process runs a runner on a SQLite file, while this
 * process registers work as a client and reads the results, and other CLI processes inspect it.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, describe, it } from "node:test";
import type { InvocationReport } from "../../src/cli/invocation.js";
import type { StatusReport } from "../../src/cli/status.js";
import type { InvocationStatus } from "../../src/invocation/status.js";
import { appModule, type AppModule } from "./harness.js";
import { pollUntil } from "../helpers.js";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");

interface Runner {
  child: ChildProcess;
  /** Resolves with the exit code (or the signal that ended it). */
  exited: Promise<number | string>;
  stderr(): string;
}

/** A client app on a new SQLite file, and the file, for a runner started on the same module. */
async function sqliteApp(): Promise<AppModule & { dir: string; db: string }> {
  const mod = await appModule();
  const db = join(mod.dir, "jobs.sqlite");
  mod.app.conf.backend = "sqlite";
  mod.app.conf.sqlitePath = db;
  return { ...mod, db };
}

function startRunner(dir: string, db: string, flags: string[] = []): Runner {
  const args = ["runner", "start", "--app", "app.mjs", "--backend", "sqlite", "--sqlite-path", db];
  const child = spawn(
    process.execPath,
    ["--import", TSX, MAIN, ...args, "--logging-level", "info", ...flags],
    {
      cwd: dir,
      env: { PATH: process.env["PATH"] ?? "" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
  child.stdout?.resume();
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? signal ?? "?")),
  );
  return { child, exited, stderr: () => stderr };
}

/**
 * `tynenc ...args` in another process, against the same module and file. Asynchronous: a spawnSync
 * would stall this process's event loop, and with it the commit of its open SQLite write transaction,
 * so the child would wait on the file's write lock.
 */
async function tynenc(dir: string, db: string, args: string[]) {
  const flags = ["--app", "app.mjs", "--backend", "sqlite", "--sqlite-path", db];
  const child = spawn(process.execPath, ["--import", TSX, MAIN, ...args, ...flags], {
    cwd: dir,
    env: { PATH: process.env["PATH"] ?? "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => void (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => void (err += chunk.toString()));
  try {
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    return { code, out, err };
  } finally {
    child.kill("SIGKILL");
  }
}

async function statusOf(mod: AppModule, id: string): Promise<InvocationStatus | undefined> {
  return (await mod.app.backend.orchestratorStore.getStatus(id))?.status;
}

void describe("tynenc runner start on SQLite", () => {
  const children: ChildProcess[] = [];
  const apps: (AppModule & { dir: string })[] = [];
  const run = (dir: string, db: string, flags?: string[]) => {
    const runner = startRunner(dir, db, flags);
    children.push(runner.child);
    return runner;
  };
  after(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    for (const mod of apps) {
      await mod.app.close();
      rmSync(mod.dir, { recursive: true, force: true });
    }
  });

  void it("runs what another process registers, is seen by status and invocation, and exits 0 on SIGTERM", async () => {
    const mod = await sqliteApp();
    apps.push(mod);
    const runner = run(mod.dir, mod.db);
    try {
      const sums = [mod.add(1, 2), mod.add(3, 4)];
      assert.deepEqual(await Promise.all(sums.map((inv) => inv.result)), [3, 7]);

      const status = await tynenc(mod.dir, mod.db, ["status", "--json"]);
      assert.equal(status.code, 0, status.err);
      const report = JSON.parse(status.out) as StatusReport;
      assert.equal(report.backend, "sqlite");
      assert.equal(report.counts.SUCCESS, 2);
      assert.deepEqual(
        report.runners.map((r) => [r.cls, r.pid, r.dead]),
        [["ThreadRunner", runner.child.pid, false]],
      );
      const shown = await tynenc(mod.dir, mod.db, ["invocation", sums[1]?.id ?? "", "--json"]);
      assert.equal(shown.code, 0, shown.err);
      const invocation = JSON.parse(shown.out) as InvocationReport;
      assert.deepEqual(
        [invocation.status, invocation.args, invocation.outcome],
        ["SUCCESS", [3, 4], { ok: true, result: 7 }],
      );

      // Graceful: an invocation running when the signal comes still finishes.
      const slow = mod.sleep(300);
      await pollUntil("the sleep to run", async () => (await statusOf(mod, slow.id)) === "RUNNING");
      runner.child.kill("SIGTERM");
      assert.equal(await runner.exited, 0, runner.stderr());
      assert.equal(await statusOf(mod, slow.id), "SUCCESS");
      assert.equal(await slow.result, 300);
      assert.match(runner.stderr(), /SIGTERM received: stopping gracefully/);
      assert.deepEqual((await mod.app.backend.orchestratorStore.runners()).length, 0);
    } finally {
      runner.child.kill("SIGKILL");
    }
  });

  // The reroute must reach the file before the process exits (the store commits a turn's writes at once).
  void it("a second signal stops at once: what runs is rerouted, exit 143", async () => {
    const mod = await sqliteApp();
    apps.push(mod);
    const runner = run(mod.dir, mod.db, ["--stop-grace-ms", "60000"]);
    try {
      const slow = mod.sleep(120_000);
      await pollUntil("the sleep to run", async () => (await statusOf(mod, slow.id)) === "RUNNING");
      const started = Date.now();
      runner.child.kill("SIGTERM");
      await pollUntil("the first signal to be handled", () =>
        runner.stderr().includes("stopping gracefully"),
      );
      runner.child.kill("SIGTERM");
      assert.equal(await runner.exited, 143, runner.stderr());
      assert.ok(Date.now() - started < 30_000, "well before the 60 s grace period");
      const history = (await mod.app.backend.orchestratorStore.getHistory(slow.id)).map((h) => h.status);
      assert.deepEqual(history.slice(-2), ["KILLED", "REROUTED"]);
      assert.match(runner.stderr(), /SIGTERM received again: stopping at once/);
    } finally {
      runner.child.kill("SIGKILL");
    }
  });

  void it("started by npx, stops gracefully when npm's process goes away without passing a signal on", async () => {
    const mod = await sqliteApp();
    apps.push(mod);
    // npm exec runs the command under a shell: a shell that is not the runner stands in for it here.
    const args = [
      "runner",
      "start",
      "--app",
      "app.mjs",
      "--backend",
      "sqlite",
      "--sqlite-path",
      mod.db,
      "--logging-level",
      "info",
    ];
    const command = [process.execPath, "--import", TSX, MAIN, ...args].map((a) => `'${a}'`).join(" ");
    const launcher = spawn("sh", ["-c", `${command}; true`], {
      cwd: mod.dir,
      env: { PATH: process.env["PATH"] ?? "", npm_command: "exec" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(launcher);
    let output = "";
    const append = (chunk: Buffer) => void (output += chunk.toString());
    launcher.stdout.on("data", append);
    launcher.stderr.on("data", append);
    const closed = new Promise((resolve) => launcher.stderr.once("close", resolve));
    assert.equal(await mod.add(2, 3).result, 5); // the runner is up
    const [runner] = await mod.app.backend.orchestratorStore.runners();
    assert.ok(runner && runner.pid !== launcher.pid, "the runner is the shell's child");
    launcher.kill("SIGKILL"); // as npm dies: the runner is reparented and gets no signal
    const alive = () => {
      try {
        process.kill(runner.pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      await pollUntil(
        "the runner to stop",
        async () => (await mod.app.backend.orchestratorStore.runners()).length === 0,
      );
      await pollUntil("the runner process to exit", () => !alive(), { timeoutMs: 5000 });
    } finally {
      if (alive()) process.kill(runner.pid, "SIGKILL");
    }
    await closed; // the runner held the pipes: they close when it exits
    assert.match(output, /npx \(npm exec\) process \d+ that started this runner is gone/);
  });

  void it("purge from another process empties the file for this app, trigger parts and ticks too", async () => {
    const mod = await sqliteApp();
    apps.push(mod);
    await Promise.all(
      [mod.add(1, 1), mod.add(2, 2)].map((inv) => mod.app.registrar.settled().then(() => inv)),
    );
    const triggers = mod.app.backend.triggerStore;
    assert.equal(await triggers.satisfyPart("both", 0, 2, "a"), null);
    assert.equal(await triggers.claimCronTick("cron", 1000), true);
    mod.app.backend.flush?.();
    const refused = await tynenc(mod.dir, mod.db, ["purge"]);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /pass --yes/);
    const purged = await tynenc(mod.dir, mod.db, ["purge", "--yes"]);
    assert.equal(purged.code, 0, purged.err);
    assert.match(
      purged.out,
      /^Deleted all 2 invocation\(s\) of app cli-test from the sqlite backend \(.*jobs\.sqlite\)\.\n$/,
    );
    assert.deepEqual(await mod.app.backend.orchestratorStore.countByStatus(), {});
    assert.equal(await triggers.lastCronTick("cron"), null);
    assert.equal(await triggers.satisfyPart("both", 1, 2, "b"), null, "part 0 went with the purge");
  });
});
