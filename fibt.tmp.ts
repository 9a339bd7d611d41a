import { Tynenc } from "/work/main/src/index.js";
const app = new Tynenc({ appId: "b", loggingLevel: "warn", maxParallelSlots: Number(process.env.SLOTS ?? 1) });
const fib = app.task("fib", async (n: number): Promise<number> => n <= 1 ? n : (await fib(n - 1).result) + (await fib(n - 2).result));
const loop = app.runner.run();
for (const n of [10, 14, 16, 18, 20]) {
  const t = performance.now();
  const r = await fib(n).result;
  console.log(n, r, (performance.now() - t).toFixed(0), "ms");
}
await app.runner.stop(); await loop;
