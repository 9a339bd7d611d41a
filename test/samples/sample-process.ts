/**
 * A sample run the way a user runs it (`node --import tsx <script>`), for the sample tests: its output,
 * its exit, and every process it started, found through a mark in their environment (children inherit
 * it), so a test can check that none outlives the sample, also after a SIGKILL.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const TSX = import.meta.resolve("tsx");

export interface SampleRun {
  readonly child: ChildProcess;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  /** Resolves once the output matches `pattern`, with the match; rejects if the sample exits first. */
  printed(pattern: RegExp): Promise<RegExpMatchArray>;
}

/** Starts `script` with `env` (TYNENC__* of this process left out) and the mark `mark`=this pid. */
export function startSample(script: string, mark: string, env: Record<string, string> = {}): SampleRun {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("TYNENC__")));
  const child = spawn(process.execPath, ["--import", TSX, script], {
    env: { ...base, ...env, [mark]: String(process.pid) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  let exited = false;
  const waiting = new Set<() => void>();
  const recheck = () => [...waiting].forEach((check) => check());
  child.stdout.on("data", (chunk: Buffer) => ((text += chunk.toString()), recheck()));
  child.stderr.on("data", (chunk: Buffer) => ((text += chunk.toString()), recheck()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  void exit.then(() => ((exited = true), recheck()));
  const printed = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = text.match(pattern);
        if (match || exited) waiting.delete(check);
        if (match) resolve(match);
        else if (exited) reject(new Error(`the sample exited without printing ${pattern}:\n${text}`));
      };
      waiting.add(check);
      check();
    });
  return { child, exit, output: () => text, printed };
}

/** Live processes (not zombies) whose environment carries `mark`=this pid, read from /proc. */
export function startedHere(mark: string): number[] {
  const entry = `${mark}=${process.pid}`;
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, "utf8");
        if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) return false;
        return readFileSync(`/proc/${name}/environ`, "utf8").split("\0").includes(entry);
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    })
    .map(Number);
}

/** Polls /proc (these processes need not be this one's children) until none of them is left. */
export async function noneLeft(mark: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (startedHere(mark).length > 0) {
    if (Date.now() > deadline)
      assert.fail(`processes the sample started outlived it: ${startedHere(mark).join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
