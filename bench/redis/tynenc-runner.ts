/**
 * The tynenc runner process of the Redis bench: the bench app (tynenc-app.ts) on the measurement's key
 * prefix, one ThreadRunner with the slots it is given. Protocol: see child.ts. It says `ready` once the
 * runner is in the backend's registry and subscribed to work, says `reached` once it has finished as
 * many invocations SUCCESS as an `expect` names, and stops on `stop` (or when the bench process is
 * gone). Under TYNENC_BENCH_COUNT=1 it counts its Redis commands between `count-reset` and
 * `count-report` (tynenc-commands.ts), and the CPU its threads used meanwhile; under
 * TYNENC_BENCH_CPU_PROF=<dir> it writes a CPU profile.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Completions, type ChildMessage } from "./child.js";
import { tynencBenchApp, type TynencBenchSettings } from "./tynenc-app.js";
import { COUNTING, CommandCount, CpuUse } from "./tynenc-commands.js";
import { profileIfAsked } from "./tynenc-profile.js";

/** What the bench process sends to this one. */
type BenchMessage =
  | { readonly type: "stop" }
  | { readonly type: "expect"; readonly completed: number }
  | { readonly type: "count-reset" }
  | { readonly type: "count-report"; readonly who: string; readonly invocations: number };

const READY_TIMEOUT_MS = 30_000;

profileIfAsked("tynenc-runner");
const commands = COUNTING ? CommandCount.start() : undefined;
const cpu = COUNTING ? new CpuUse() : undefined;
const settings = JSON.parse(process.argv[2] ?? "") as TynencBenchSettings;
const { app } = tynencBenchApp(settings);

function tell(message: ChildMessage): void {
  if (process.connected) process.send!(message);
}

// The bench process is gone (or done with us): nothing is left to report to.
process.on("disconnect", () => process.exit(0));

/** Resolves once the registry lists this runner and its work subscription is live. */
async function untilRegistered(): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const store = app.backend.orchestratorStore;
  while (!(await store.runners()).some((runner) => runner.runnerId === app.runner.id)) {
    if (Date.now() > deadline) throw new Error(`not in the runner registry after ${READY_TIMEOUT_MS} ms`);
    await sleep(5);
  }
  await app.backend.notifier.subscribed?.();
}

let loop: Promise<void> | undefined;
// The invocations this runner finished SUCCESS (as the BullMQ worker counts its completed jobs).
const completions = new Completions(tell);
app.events.on("invocation:status", ({ status }) => {
  if (status === "SUCCESS") completions.add();
});

process.on("message", (message: BenchMessage) => {
  if (message.type === "expect") return completions.expect(message.completed);
  if (message.type === "count-reset") {
    cpu?.reset();
    return commands?.reset();
  }
  if (message.type === "count-report") {
    if (commands) console.log(commands.report(message.who, message.invocations));
    if (cpu) console.log(cpu.report(message.who, message.invocations));
    return;
  }
  void (async () => {
    await app.runner.stop();
    await loop;
    await app.close();
    process.exit(0);
  })();
});

try {
  await app.backend.ready;
  loop = app.runner.run();
  loop.catch((error: unknown) => tell({ type: "failed", message: `runner failed: ${String(error)}` }));
  await untilRegistered();
  tell({ type: "ready" });
} catch (error) {
  tell({ type: "failed", message: String(error) });
  process.exit(1);
}
