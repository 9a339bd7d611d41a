/**
 * tynenc's side of `npm run bench:redis`, shaped like BullMQ's (bullmq.ts): the bench process is the
 * client (the bench app with a DummyRunner: it registers and awaits results), the invocations run in one
 * runner process (tynenc-runner.ts). Each measurement gets a fresh key prefix under `redis.prefix` and a
 * fresh runner process, warms them up, and stops the runner in `finally`.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { BenchChild } from "./child.js";
import { COUNTING, CommandCount } from "./tynenc-commands.js";
import { tynencBenchApp, type TynencBenchApp, type TynencBenchSettings } from "./tynenc-app.js";
import {
  FIB_JOBS,
  FIB_N,
  FIB_VALUE,
  INDEPENDENT_JOBS,
  LATENCY_SAMPLES,
  WARM_UP_FIB_RUNS,
  WARM_UP_JOBS,
  quantile,
  type BenchRedis,
  type Concurrency,
  type Latency,
  type QueueSystem,
} from "./system.js";

export type TynencSide = QueueSystem | { readonly unavailable: string };

const RUNNER = new URL("./tynenc-runner.js", import.meta.url);
const READY_TIMEOUT_MS = 30_000;
/** A session (warm-up and measurement) with no answer after this has hung. */
const SESSION_TIMEOUT_MS = 120_000;
const LATENCY_WARM_UP = 50;
/** Between latency samples, as on BullMQ's side, so each call finds the runner idle, blocked on Redis. */
const LATENCY_GAP_MS = 2;

/** Under TYNENC_BENCH_COUNT=1, the commands of this process (the client's); see tynenc-commands.ts. */
const commands = COUNTING ? CommandCount.start() : undefined;

/** A session's client app, `counted` to wrap the timed part of a measurement, and `completed`. */
interface Session extends TynencBenchApp {
  /**
   * Runs `work`; under TYNENC_BENCH_COUNT=1 the client and the runner process each print the Redis
   * commands they sent during it, per invocation.
   */
  readonly counted: <T>(invocations: number, work: () => Promise<T>) => Promise<T>;
  /**
   * Resolves once the runner process has finished `total` invocations SUCCESS since it started (it
   * counts them, as BullMQ's worker counts its completed jobs); asked before the calls are made.
   */
  readonly completed: (total: number) => Promise<void>;
}

export async function tynencSystem(redis: BenchRedis): Promise<TynencSide> {
  let sessions = 0;

  /**
   * A fresh key prefix, runner process (`slots` slots) and client app for `body`, all closed after it.
   * The runner process exiting or failing rejects the session at once, not after a timeout.
   */
  async function session<T>(
    label: string,
    slots: number,
    body: (session: Session) => Promise<T>,
  ): Promise<T> {
    const name = `${label}-${++sessions}`;
    const settings: TynencBenchSettings = { url: redis.url, keyPrefix: `${redis.prefix}:{${name}}:`, slots };
    const client = tynencBenchApp({ url: redis.url, keyPrefix: settings.keyPrefix, client: true });
    const child = BenchChild.start(RUNNER, settings, `tynenc runner process (${name})`);
    const counted = async <R>(invocations: number, work: () => Promise<R>): Promise<R> => {
      if (!commands) return work();
      commands.reset();
      child.send({ type: "count-reset" });
      const value = await work();
      console.log(commands.report(`client (${name})`, invocations));
      child.send({ type: "count-report", who: `runner (${name})`, invocations });
      return value;
    };
    let reached: { readonly total: number; readonly resolve: () => void } | undefined;
    const completed = (total: number) =>
      new Promise<void>((resolve) => {
        reached = { total, resolve };
        child.send({ type: "expect", completed: total });
      });
    try {
      await client.app.backend.ready;
      await child.next("ready", READY_TIMEOUT_MS);
      // Besides `reached`, the runner sends nothing more: any other message, its exit or the timeout
      // ends the session.
      const watchdog = (async () => {
        for (;;) {
          const message = await child.nextMessage(SESSION_TIMEOUT_MS);
          if (message.type !== "reached" || !reached || message.completed < reached.total)
            throw new Error(`tynenc runner process (${name}) sent an unexpected message`);
          reached.resolve();
          reached = undefined;
        }
      })();
      watchdog.catch(() => {}); // once the body is done, the runner's stop settles it
      return await Promise.race([body({ ...client, counted, completed }), watchdog]);
    } finally {
      await child.stop();
      await client.app.close();
    }
  }

  /** callAndDrain of WARM_UP_JOBS, its jobs/s told to `redis.warmUp`. */
  async function warmUp(client: TynencBenchApp): Promise<void> {
    const start = performance.now();
    await callAndDrain(client, WARM_UP_JOBS);
    redis.warmUp?.([WARM_UP_JOBS / ((performance.now() - start) / 1000)]);
  }

  /** `count` trivial calls in one `parallelize`, then every result, checked. */
  async function callAndDrain({ add }: TynencBenchApp, count: number): Promise<void> {
    const group = add.parallelize(Array.from({ length: count }, (_, i): [number, number] => [i, 1]));
    const values = await group.results();
    values.forEach((value, i) => {
      if (value !== i + 1) throw new Error(`tynenc add(${i}, 1) returned ${value}`);
    });
  }

  /** Throws unless the backend holds exactly `expected` SUCCESS invocations (and no other status). */
  async function checkSucceeded({ app }: TynencBenchApp, expected: number, what: string): Promise<void> {
    const counts = await app.backend.orchestratorStore.countByStatus();
    const others = Object.entries(counts).filter(([status, n]) => status !== "SUCCESS" && n > 0);
    if (counts.SUCCESS !== expected || others.length > 0) {
      throw new Error(`tynenc ${what}: expected ${expected} SUCCESS, found ${JSON.stringify(counts)}`);
    }
  }

  /**
   * Jobs/s of INDEPENDENT_JOBS trivial calls in one `parallelize`, timed as BullMQ's side is: until the
   * runner process has finished them all (the caller does not await the results meanwhile; BullMQ's
   * side reads none). Every result is then read and checked, outside the timing.
   */
  async function independent(concurrency: Concurrency): Promise<number> {
    return session(`trivial-c${concurrency}`, concurrency, async (client) => {
      await warmUp(client);
      await redis.cpu?.begin();
      const start = performance.now();
      const group = await client.counted(INDEPENDENT_JOBS, async () => {
        const done = client.completed(WARM_UP_JOBS + INDEPENDENT_JOBS);
        const calls = client.add.parallelize(
          Array.from({ length: INDEPENDENT_JOBS }, (_, i): [number, number] => [i, 1]),
        );
        await done;
        return calls;
      });
      const rate = INDEPENDENT_JOBS / ((performance.now() - start) / 1000);
      await redis.cpu?.end(INDEPENDENT_JOBS);
      const values = await group.results();
      values.forEach((value, i) => {
        if (value !== i + 1) throw new Error(`tynenc add(${i}, 1) returned ${value}`);
      });
      await checkSucceeded(client, WARM_UP_JOBS + INDEPENDENT_JOBS, "independent calls");
      return rate;
    });
  }

  /**
   * `independent` with the caller awaiting every result, timed until the last one has arrived there:
   * what a caller of `parallelize` sees (BullMQ's side has no such step). For information.
   */
  async function independentAwaited(concurrency: Concurrency): Promise<number> {
    return session(`awaited-c${concurrency}`, concurrency, async (client) => {
      await warmUp(client);
      const start = performance.now();
      await callAndDrain(client, INDEPENDENT_JOBS);
      const rate = INDEPENDENT_JOBS / ((performance.now() - start) / 1000);
      await checkSucceeded(client, WARM_UP_JOBS + INDEPENDENT_JOBS, "independent calls");
      return rate;
    });
  }

  /**
   * Wall ms of fib(FIB_N) with one slot, after WARM_UP_FIB_RUNS of it (their ms told to
   * `redis.warmUp`); every value and the count checked.
   */
  async function fibMeasure(task: "fib" | "fibBoth"): Promise<number> {
    return session(`${task}-c1`, 1, async (client) => {
      const fib = client[task];
      const warmUps: number[] = [];
      for (let run = 0; run < WARM_UP_FIB_RUNS; run++) {
        const start = performance.now();
        const warm = await fib(FIB_N).result;
        warmUps.push(performance.now() - start);
        if (warm !== FIB_VALUE) throw new Error(`tynenc fib(${FIB_N}) returned ${warm} in a warm-up`);
      }
      redis.warmUp?.(warmUps);
      await redis.cpu?.begin();
      const begin = performance.now();
      const value = await client.counted(FIB_JOBS, () => fib(FIB_N).result);
      const ms = performance.now() - begin;
      await redis.cpu?.end(FIB_JOBS);
      if (value !== FIB_VALUE) throw new Error(`tynenc fib(${FIB_N}) returned ${value}, not ${FIB_VALUE}`);
      await checkSucceeded(client, (WARM_UP_FIB_RUNS + 1) * FIB_JOBS, "fib");
      return ms;
    });
  }

  async function latency(): Promise<Latency> {
    return session("latency-c1", 1, async ({ add, counted }) => {
      const samples: number[] = [];
      const sample = async (i: number) => {
        await sleep(LATENCY_GAP_MS);
        const start = performance.now();
        const value = await add(i, 1).result;
        const ms = performance.now() - start;
        if (value !== i + 1) throw new Error(`tynenc add(${i}, 1) returned ${value}`);
        return ms;
      };
      for (let i = 0; i < LATENCY_WARM_UP; i++) await sample(i);
      await counted(LATENCY_SAMPLES, async () => {
        for (let i = LATENCY_WARM_UP; i < LATENCY_WARM_UP + LATENCY_SAMPLES; i++)
          samples.push(await sample(i));
      });
      return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99) };
    });
  }

  const fib15 = () => fibMeasure("fibBoth");
  const fib15Sequential = () => fibMeasure("fib");

  return {
    name: "tynenc",
    independent,
    independentAwaited,
    fib15,
    fib15Sequential,
    latency,
    close: async () => {},
  };
}
