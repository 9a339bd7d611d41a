import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("./fixtures/signal-worker.ts", import.meta.url));
const children = new Set<ChildProcess>();

after(() => {
  for (const child of children) child.kill("SIGKILL");
});

interface Worker {
  readonly child: ChildProcess;
  /** Resolves once stdout has printed `line`. */
  printed(line: string): Promise<void>;
  /** Resolves once stderr has a line matching `pattern`. */
  logged(pattern: RegExp): Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts the worker script in a child process of its own, owned (and killed at the end) by this file. */
function startWorker(env: Record<string, string>): Worker {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  children.add(child);
  let stdout = "";
  let stderr = "";
  const waiters: (() => void)[] = [];
  const changed = () => waiters.splice(0).forEach((w) => w());
  child.stdout!.on("data", (d: Buffer) => ((stdout += d.toString()), changed()));
  child.stderr!.on("data", (d: Buffer) => ((stderr += d.toString()), changed()));
  const exit = once(child, "exit").then(([code, signal]) => {
    children.delete(child);
    changed();
    return { code: code as number | null, signal: signal as NodeJS.Signals | null, stdout, stderr };
  });
  let exited = false;
  void exit.then(() => (exited = true));
  const until = (test: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (test()) return resolve();
        if (exited) return reject(new Error(`the worker exited before ${what}:\n${stdout}\n${stderr}`));
        waiters.push(check);
      };
      check();
    });
  return {
    child,
    printed: (line) => until(() => stdout.split("\n").includes(line), `printing "${line}"`),
    logged: (pattern) => until(() => pattern.test(stderr), `logging ${pattern}`),
    exit,
  };
}

describe("a worker process that only runs the runner", () => {
  it("stays alive while the runner runs, and stops gracefully on SIGINT", async () => {
    const worker = startWorker({ LIFETIME_TASK: "none", LIFETIME_SIGNALS: "1" });
    await worker.printed("started");
    worker.child.kill("SIGINT");
    const { code, stdout } = await worker.exit;
    assert.equal(code, 0, "it was alive when the signal came, and exited normally after the stop");
    assert.match(stdout, /stopped/);
  });

  it("on SIGTERM kills what outlives the grace period, aborting its signal, and exits at once", async () => {
    const worker = startWorker({
      LIFETIME_TASK: "abortable",
      LIFETIME_SIGNALS: "1",
      LIFETIME_GRACE_MS: "100",
    });
    await worker.printed("running");
    worker.child.kill("SIGTERM");
    const { code, stdout, stderr } = await worker.exit;
    assert.equal(code, 0);
    assert.match(stdout, /stopped/);
    assert.match(stderr, /KILLED by shutdown/);
  });

  it("on a second SIGINT stops at once and exits with 130, even with code that ignores its signal", async () => {
    const worker = startWorker({
      LIFETIME_TASK: "stubborn",
      LIFETIME_SIGNALS: "1",
      LIFETIME_GRACE_MS: "60000",
    });
    await worker.printed("running");
    worker.child.kill("SIGINT");
    await worker.logged(/SIGINT received: stopping gracefully/);
    worker.child.kill("SIGINT");
    const { code, stderr } = await worker.exit;
    assert.equal(code, 130);
    assert.match(stderr, /stopping at once/);
  });
});
