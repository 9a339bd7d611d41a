import { app, fibonacci } from "./tasks.js";

// `n` from the first argument or FIB_N (default 3); slots from TYNENC__MAX_PARALLEL_SLOTS or the second argument.
const n = Number(process.argv[2] ?? process.env.FIB_N ?? 3);
if (process.argv[3]) app.conf.maxParallelSlots = Number(process.argv[3]);

app.conf.runnerCls = "ThreadRunner";
const loop = app.runner.run(); // resolves when the runner loop has stopped
const invocation = fibonacci(n); // registers an invocation, returns at once
app.logger.info(`Result: ${await invocation.result}`);
await app.runner.stop();
await loop;
