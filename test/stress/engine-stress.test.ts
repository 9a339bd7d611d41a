import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { needsImmediateBackend } from "../helpers.js";
import { runRound, type StressFeatures } from "./round.js";

/**
 * Randomized stress of the engine: many small random task trees, each round drawn from a seed, with
 * cancels from the program, from status listeners and from inside tasks, failures and retries,
 * timeouts, concurrency keys, memoization, stop()/run() cycles and retention purges.
 *
 * TYNENC_STRESS_ROUNDS (default 1000); TYNENC_STRESS_SEED=<n> replays round n (or starts there when
 * ROUNDS is also set; `random` starts from the clock). TYNENC_STRESS_<FEATURE>=0/1 switches a
 * disturbance off or on; all are on by default.
 */
const env = process.env;
const flag = (name: string, fallback: boolean) =>
  env[name] === undefined ? fallback : /^(1|true|on|yes)$/i.test(env[name]);
const immediate = !needsImmediateBackend().skip;

const features: StressFeatures = {
  memo: immediate && flag("TYNENC_STRESS_MEMO", true),
  innerCancels: flag("TYNENC_STRESS_INNER_CANCELS", true),
  listenerCancels: flag("TYNENC_STRESS_LISTENER_CANCELS", true),
  programCancels: flag("TYNENC_STRESS_PROGRAM_CANCELS", true),
  stopCycles: flag("TYNENC_STRESS_STOP_CYCLES", true),
  retention: flag("TYNENC_STRESS_RETENTION", true),
  // cancel() resolving true means the invocation ends CANCELLED, on every backend.
  strictCancel: flag("TYNENC_STRESS_STRICT_CANCEL", true),
};
const seedText = env.TYNENC_STRESS_SEED;
const rounds = Number(env.TYNENC_STRESS_ROUNDS ?? (seedText && seedText !== "random" ? 1 : 1000));
const firstSeed = seedText === "random" ? Date.now() % 1_000_000 : Number(seedText ?? 1);
const MAX_REPORTED = 5;

describe("engine stress (random task trees, cancels, restarts, retention)", () => {
  const on = Object.entries(features)
    .filter(([, value]) => value)
    .map(([name]) => name);
  it(`${rounds} rounds from seed ${firstSeed} (${on.join(", ")})`, async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const failures: string[] = [];
    try {
      for (let i = 0; i < rounds && failures.length < MAX_REPORTED; i++) {
        const seed = firstSeed + i;
        const report = await runRound(seed, features);
        // Unhandled rejections are reported once a turn's microtasks are done: let one pass.
        await new Promise((resolve) => setImmediate(resolve));
        const extra = unhandled.splice(0).map((reason) => `unhandled rejection: ${String(reason)}`);
        const problems = [...report.problems, ...extra];
        if (problems.length) {
          const replay = `replay with TYNENC_STRESS_SEED=${seed}`;
          failures.push(`seed ${seed} (${report.summary}), ${replay}:\n${problems.join("\n")}`);
        }
      }
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    assert.equal(failures.length, 0, failures.join("\n\n"));
  });
});
