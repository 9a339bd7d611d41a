/**
 * Counts the Redis commands a process sends, for the round trips per invocation in
 * docs/benchmarks-redis.md (`TYNENC_BENCH_COUNT=1 npm run bench:redis`), and splits its time into
 * waiting for answers and working between them (RoundTrips). It listens on ioredis's
 * diagnostics channel `ioredis:command` (no wrapper, nothing patched; without the variable nothing
 * subscribes and ioredis builds no trace context). A script call by EVALSHA is named by its file
 * (`evalsha store-change-3`) and, for the store's two multi-operation scripts, by its operation. ioredis
 * redacts every argument of an FCALL in its trace, so a call as a function is only `fcall`: with
 * TYNENC_REDIS_SCRIPTS=eval the same calls go by EVALSHA and are named.
 */
import { tracingChannel } from "node:diagnostics_channel";
import { readdirSync, readFileSync } from "node:fs";
import { calledScript } from "../../src/backends/redis/scripts.js";

export const COUNTING = process.env["TYNENC_BENCH_COUNT"] === "1";

/** Scripts that take an operation after the key prefix: their calls are counted per operation. */
const WITH_OPERATION = new Set(["store-change-3", "store-read-1"]);

interface CommandContext {
  readonly command: string;
  readonly args: readonly string[];
}

function nameOf({ command, args }: CommandContext): string {
  const lower = command.toLowerCase();
  if (lower === "fcall") return "fcall (a script; TYNENC_REDIS_SCRIPTS=eval names it)";
  if (lower !== "evalsha" && lower !== "eval") return lower;
  const script = lower === "eval" ? "(source)" : (calledScript(lower, args[0]) ?? "unknown");
  if (!WITH_OPERATION.has(script)) return `${lower} ${script}`;
  const operation = args[3 + Number(args[1])]; // after the SHA, the key count, the keys and the prefix
  return `${lower} ${script} ${operation}`;
}

/**
 * How this process's time splits between waiting for Redis (at least one command sent and not answered)
 * and working between answers (none outstanding): per round trip, from the first command sent after a
 * quiet moment to the answer of the last one outstanding, and from that answer to the next command. At
 * one slot the runner and Redis take turns, so the two sum to the wall time per round trip; the wait
 * includes Redis's script time, both wake-ups and the kernel's share of each send and receive.
 */
class RoundTrips {
  private outstanding = 0;
  private since = performance.now();
  private waits: number[] = [];
  private works: number[] = [];

  sent(): void {
    if (this.outstanding++ === 0) this.works.push(this.lap());
  }

  answered(): void {
    if (this.outstanding > 0 && --this.outstanding === 0) this.waits.push(this.lap());
  }

  reset(): void {
    this.waits = [];
    this.works = [];
    this.since = performance.now();
  }

  report(invocations: number): string {
    const µs = (values: number[], at: number) => {
      const sorted = [...values].sort((a, b) => a - b);
      return ((sorted[Math.floor(at * (sorted.length - 1))] ?? 0) * 1000).toFixed(0);
    };
    const total = (values: number[]) => values.reduce((sum, v) => sum + v, 0);
    const share = (100 * total(this.waits)) / (total(this.waits) + total(this.works) || 1);
    return (
      `${this.waits.length} round trips (${(this.waits.length / invocations).toFixed(2)} per invocation): ` +
      `waiting for Redis p50 ${µs(this.waits, 0.5)} µs, p90 ${µs(this.waits, 0.9)}; working between answers ` +
      `p50 ${µs(this.works, 0.5)} µs, p90 ${µs(this.works, 0.9)}; ${share.toFixed(0)}% of the time waiting`
    );
  }

  private lap(): number {
    const now = performance.now();
    const lapsed = now - this.since;
    this.since = now;
    return lapsed;
  }
}

/** The commands this process sent since `reset()`, by name, and how its time split around them. */
export class CommandCount {
  private counts = new Map<string, number>();
  private readonly trips = new RoundTrips();

  /** Starts listening (once per process); use only when COUNTING. */
  static start(): CommandCount {
    const count = new CommandCount();
    const noop = () => {};
    tracingChannel<string, CommandContext>("ioredis:command").subscribe({
      start: (context) => {
        count.add(nameOf(context));
        count.trips.sent();
      },
      end: noop,
      // A promise's settling (answer or error): the command is answered.
      asyncStart: () => count.trips.answered(),
      asyncEnd: noop,
      error: noop,
    });
    return count;
  }

  reset(): void {
    this.counts = new Map();
    this.trips.reset();
  }

  /** One line: the commands per invocation, in all and by name (most first), then resets. */
  report(who: string, invocations: number): string {
    const sorted = [...this.counts].sort((a, b) => b[1] - a[1]);
    const total = sorted.reduce((sum, [, n]) => sum + n, 0);
    const per = (n: number) => (n / invocations).toFixed(2);
    const parts = sorted.filter(([, n]) => n / invocations >= 0.01).map(([name, n]) => `${name} ${per(n)}`);
    const trips = this.trips.report(invocations);
    this.reset();
    return `  commands per invocation, ${who}: ${per(total)} (${parts.join(", ")})\n  ${who}: ${trips}`;
  }

  private add(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }
}

/** CPU ms of this process's threads (Linux: /proc/self/task; elsewhere the whole process as one). */
function threadCpuMs(): Map<string, number> {
  const ms = new Map<string, number>();
  try {
    for (const tid of readdirSync("/proc/self/task")) {
      // After the command name (in parentheses, may hold spaces): utime and stime are fields 12 and 13.
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const main = tid === String(process.pid);
      ms.set(main ? "main" : tid, ((Number(fields[11]) + Number(fields[12])) * 1000) / 100);
      if (main) ms.set("main:system", (Number(fields[12]) * 1000) / 100);
    }
  } catch {
    const { user, system } = process.cpuUsage();
    ms.set("main", (user + system) / 1000);
  }
  return ms;
}

/**
 * The CPU this process used since `reset()`: its main thread (the event loop: the runner's work) and
 * its other threads (V8's compiler and GC helpers, libuv's pool). Under TYNENC_BENCH_COUNT=1 the runner
 * prints it beside its commands: a measurement taken while V8 still compiles shows it in the helpers.
 */
export class CpuUse {
  private base = threadCpuMs();

  reset(): void {
    this.base = threadCpuMs();
  }

  report(who: string, invocations: number): string {
    let main = 0;
    let system = 0;
    let others = 0;
    for (const [thread, ms] of threadCpuMs()) {
      const used = ms - (this.base.get(thread) ?? 0);
      if (thread === "main") main += used;
      else if (thread === "main:system") system += used;
      else others += used;
    }
    const per = (ms: number) => ((ms * 1000) / invocations).toFixed(0);
    return `  CPU, ${who}: main thread ${main.toFixed(0)} ms (${per(main)} µs per invocation, ${per(system)} of it in the kernel), other threads ${others.toFixed(0)} ms (${per(others)} µs)`;
  }
}
