/**
 * The triggers section of `npm run bench` (issue #12): events emitted with one onEvent trigger each,
 * on memory and on SQLite (a temp file, the runner in this process). Throughput is from the first emit
 * to the last triggered invocation run; the delay is from `emitEvent` to the triggered task's body.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onEvent, Tynenc } from "../src/index.js";
import { withRunner } from "./with-runner.js";

const EVENTS = 10_000;
const DELAY_SAMPLES = 1_000;

function line(label: string, value: string): void {
  console.log(`${label.padEnd(56)} ${value}`);
}

/** An app whose task runs once per "tick" event and reports its start to `ran`. */
function triggeredApp(backend: "memory" | "sqlite", path: string | undefined, ran: (n: number) => void) {
  const app = new Tynenc({
    appId: "bench-triggers",
    loggingLevel: "warn",
    backend,
    ...(path ? { sqlitePath: path } : {}),
  });
  app.task("handle", async (n: number) => ran(n), {
    triggers: [onEvent("tick", { args: ({ event }) => [event.payload as number] })],
  });
  return app;
}

async function throughput(backend: "memory" | "sqlite", path?: string): Promise<number> {
  let done = 0;
  let finished!: () => void;
  const all = new Promise<void>((resolve) => (finished = resolve));
  const app = triggeredApp(backend, path, () => {
    if (++done === EVENTS) finished();
  });
  try {
    return await withRunner(app, async () => {
      const start = performance.now();
      const emitted: Promise<string>[] = [];
      for (let i = 0; i < EVENTS; i++) emitted.push(app.emitEvent("tick", i));
      await Promise.all(emitted);
      await all;
      return performance.now() - start;
    });
  } finally {
    await app.close();
  }
}

async function delays(backend: "memory" | "sqlite", path?: string): Promise<{ p50: number; p99: number }> {
  const startedAt = new Map<number, number>();
  let waiting: ((n: number) => void) | undefined;
  const app = triggeredApp(backend, path, (n) => {
    startedAt.set(n, performance.now());
    waiting?.(n);
  });
  const times: number[] = [];
  try {
    await withRunner(app, async () => {
      for (let i = 0; i < DELAY_SAMPLES + 200; i++) {
        const ran = new Promise<void>((resolve) => (waiting = (n) => n === i && resolve()));
        const emittedAt = performance.now();
        await app.emitEvent("tick", i);
        await ran;
        if (i >= 200) times.push(startedAt.get(i)! - emittedAt); // the first 200 warm the JIT
      }
    });
  } finally {
    await app.close();
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length * 0.5)]!, p99: times[Math.floor(times.length * 0.99)]! };
}

async function backendFigures(backend: "memory" | "sqlite"): Promise<void> {
  const dir = backend === "sqlite" ? mkdtempSync(join(tmpdir(), "tynenc-bench-triggers-")) : undefined;
  const path = (name: string) => (dir ? join(dir, `${name}.sqlite`) : undefined);
  try {
    await throughput(backend, path("warm")); // warm up the JIT
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) runs.push(await throughput(backend, path(`run${i}`)));
    const best = Math.min(...runs);
    const rate = (ms: number) => Math.round((EVENTS / ms) * 1000).toLocaleString("en-US");
    line(
      `${backend}: ${EVENTS.toLocaleString("en-US")} events -> triggered invocations run`,
      `${best.toFixed(0)} ms, ${rate(best)} invocations/s (runs: ${runs.map(rate).join(", ")}/s)`,
    );
    const d = await delays(backend, path("delays"));
    line(
      `${backend}: emitEvent -> triggered task running (${DELAY_SAMPLES} samples)`,
      `p50 ${d.p50.toFixed(3)} ms, p99 ${d.p99.toFixed(3)} ms`,
    );
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

export async function triggersSection(): Promise<void> {
  console.log("\n## triggers: one onEvent trigger per event, ThreadRunner in this process (best of 3)");
  await backendFigures("memory");
  await backendFigures("sqlite");
}
