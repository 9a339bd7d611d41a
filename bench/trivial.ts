import { Tynenc } from "../src/index.js";
import { timed, withRunner } from "./with-runner.js";

function trivialApp() {
  const app = new Tynenc({ appId: "bench", loggingLevel: "warn" });
  const add = app.task("add", async (a: number, b: number) => a + b);
  return { app, add };
}

/** Register `count` independent invocations at once, then await them all. */
export async function trivialThroughput(count: number): Promise<{ ms: number }> {
  const { app, add } = trivialApp();
  return withRunner(app, async () => {
    await add(1, 1).result;
    return timed(async () => {
      const invocations = [];
      for (let i = 0; i < count; i++) invocations.push(add(i, 1));
      for (const invocation of invocations) await invocation.result;
    });
  });
}

/** One at a time on an idle runner: time from the call to the awaited result. */
export async function trivialLatency(samples: number): Promise<{ p50: number; p99: number }> {
  const { app, add } = trivialApp();
  const times: number[] = [];
  await withRunner(app, async () => {
    for (let i = 0; i < samples + 500; i++) {
      const { ms } = await timed(() => add(i, 1).result);
      if (i >= 500) times.push(ms); // the first 500 warm the JIT
    }
  });
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(samples * 0.5)]!, p99: times[Math.floor(samples * 0.99)]! };
}
