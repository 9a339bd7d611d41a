import type { Tynenc } from "../src/index.js";

/** Runs `work` while the app's runner runs, then stops the runner; returns what `work` returned. */
export async function withRunner<T>(app: Tynenc, work: () => Promise<T>): Promise<T> {
  const loop = app.runner.run();
  try {
    return await work();
  } finally {
    await app.runner.stop();
    await loop;
  }
}

/** Wall time of `work`, in ms, with its value. */
export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}
