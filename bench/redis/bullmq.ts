/**
 * BullMQ's side of `npm run bench:redis`. The bench process adds jobs (Queue.addBulk / Queue.add) and
 * awaits results (QueueEvents + Job.waitUntilFinished, BullMQ's way for a caller); the jobs run in a
 * worker process (bullmq-worker.ts). Each measurement gets a fresh queue and a fresh worker process,
 * warms them up, and stops the worker in `finally`.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { FlowProducer, Queue, QueueEvents, type FlowJob } from "bullmq";
import { BenchChild } from "./child.js";
import type { BullmqWorkerConfig } from "./bullmq-worker.js";
import { bullmqConnection } from "./redis-keys.js";
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

const WORKER = new URL("./bullmq-worker.js", import.meta.url);
const READY_TIMEOUT_MS = 30_000;
/** A measurement with no answer after this has hung. */
const MEASUREMENT_TIMEOUT_MS = 120_000;
const LATENCY_WARM_UP = 50;
/** Between latency samples, so each job finds the worker idle, blocked on Redis. */
const LATENCY_GAP_MS = 2;

type Mode = BullmqWorkerConfig["mode"];

interface Session {
  readonly queue: Queue;
  readonly child: BenchChild;
  readonly events: QueueEvents | undefined;
}

/** BullMQ's figures, and fib(15) the other way its docs give (a FlowProducer), for information. */
export interface BullmqSystem extends QueueSystem {
  fib15Flow(): Promise<number>;
}

export function bullmqSystem(redis: BenchRedis): BullmqSystem {
  const connection = bullmqConnection(redis.url);
  let queues = 0;

  /** A fresh queue and worker process (and QueueEvents if `events`) for `body`, all closed after it. */
  async function session<T>(
    mode: Mode,
    concurrency: number,
    events: boolean,
    body: (s: Session) => Promise<T>,
  ): Promise<T> {
    const name = `${mode}-c${concurrency}-${++queues}`;
    const config: BullmqWorkerConfig = {
      url: redis.url,
      prefix: redis.prefix,
      queue: name,
      concurrency,
      mode,
    };
    const queue = new Queue(name, { connection, prefix: redis.prefix });
    const queueEvents = events ? new QueueEvents(name, { connection, prefix: redis.prefix }) : undefined;
    const child = BenchChild.start(WORKER, config, `BullMQ worker process (${name})`);
    try {
      await child.next("ready", READY_TIMEOUT_MS);
      await queue.waitUntilReady();
      await queueEvents?.waitUntilReady();
      return await body({ queue, child, events: queueEvents });
    } finally {
      await child.stop();
      await queueEvents?.close();
      await queue.close();
    }
  }

  /** Adds `count` trivial jobs in one addBulk and waits until the worker has completed `total` jobs. */
  async function addAndDrain({ queue, child }: Session, count: number, total: number): Promise<void> {
    const jobs = Array.from({ length: count }, (_, i) => ({ name: "add", data: { a: i, b: 1 } }));
    child.send({ type: "expect", completed: total });
    await queue.addBulk(jobs);
    await child.next("reached", MEASUREMENT_TIMEOUT_MS);
  }

  async function independent(concurrency: Concurrency): Promise<number> {
    return session("trivial", concurrency, false, async (s) => {
      const warmUp = performance.now();
      await addAndDrain(s, WARM_UP_JOBS, WARM_UP_JOBS);
      redis.warmUp?.([WARM_UP_JOBS / ((performance.now() - warmUp) / 1000)]);
      await redis.cpu?.begin();
      const start = performance.now();
      await addAndDrain(s, INDEPENDENT_JOBS, WARM_UP_JOBS + INDEPENDENT_JOBS);
      const rate = INDEPENDENT_JOBS / ((performance.now() - start) / 1000);
      await redis.cpu?.end(INDEPENDENT_JOBS);
      return rate;
    });
  }

  /**
   * Wall ms of fib(FIB_N) after WARM_UP_FIB_RUNS of it (their ms told to `redis.warmUp`), every value
   * checked, with the count of completed jobs. `start(session, n)` adds fib(n) and resolves to its root
   * job's result.
   */
  async function fibMeasure(
    mode: "fib" | "flow",
    start: (s: Session, n: number) => Promise<number>,
  ): Promise<number> {
    return session(mode, 1, true, async (s) => {
      const warmUps: number[] = [];
      for (let run = 0; run < WARM_UP_FIB_RUNS; run++) {
        const begin = performance.now();
        const warm = await start(s, FIB_N);
        warmUps.push(performance.now() - begin);
        if (warm !== FIB_VALUE) throw new Error(`BullMQ ${mode} fib(${FIB_N}) returned ${warm} in a warm-up`);
      }
      redis.warmUp?.(warmUps);
      await redis.cpu?.begin();
      const begin = performance.now();
      const value = await start(s, FIB_N);
      const ms = performance.now() - begin;
      await redis.cpu?.end(FIB_JOBS);
      if (value !== FIB_VALUE)
        throw new Error(`BullMQ ${mode} fib(${FIB_N}) returned ${value}, not ${FIB_VALUE}`);
      const completed = await s.queue.getCompletedCount();
      if (completed !== (WARM_UP_FIB_RUNS + 1) * FIB_JOBS) {
        throw new Error(
          `BullMQ ${mode} completed ${completed} jobs, not ${WARM_UP_FIB_RUNS + 1} × ${FIB_JOBS}`,
        );
      }
      return ms;
    });
  }

  /** Step jobs: the root job adds its children when it runs, as every fib job does. */
  const fib15 = () =>
    fibMeasure("fib", async ({ queue, events }, n) => {
      const job = await queue.add("fib", { n });
      return (await job.waitUntilFinished(events!, MEASUREMENT_TIMEOUT_MS)) as number;
    });

  /** FlowProducer: the bench adds the whole tree in one call; leaves run first, parents sum. */
  async function fib15Flow(): Promise<number> {
    const producer = new FlowProducer({ connection, prefix: redis.prefix });
    try {
      return await fibMeasure("flow", async ({ queue, events }, n) => {
        const tree = (m: number): FlowJob => ({
          name: "fib",
          queueName: queue.name,
          data: { n: m },
          ...(m < 2 ? {} : { children: [tree(m - 1), tree(m - 2)] }),
        });
        const { job } = await producer.add(tree(n));
        return (await job.waitUntilFinished(events!, MEASUREMENT_TIMEOUT_MS)) as number;
      });
    } finally {
      await producer.close();
    }
  }

  async function latency(): Promise<Latency> {
    return session("trivial", 1, true, async ({ queue, events }) => {
      const samples: number[] = [];
      for (let i = 0; i < LATENCY_WARM_UP + LATENCY_SAMPLES; i++) {
        await sleep(LATENCY_GAP_MS);
        const start = performance.now();
        const job = await queue.add("add", { a: i, b: 1 });
        const value = (await job.waitUntilFinished(events!, MEASUREMENT_TIMEOUT_MS)) as number;
        const ms = performance.now() - start;
        if (value !== i + 1) throw new Error(`BullMQ add(${i}, 1) returned ${value}`);
        if (i >= LATENCY_WARM_UP) samples.push(ms);
      }
      return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99) };
    });
  }

  return { name: "BullMQ", independent, fib15, fib15Flow, latency, close: async () => {} };
}
