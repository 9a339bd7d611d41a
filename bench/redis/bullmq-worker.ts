/**
 * The BullMQ worker process of the Redis bench: one `Worker` at the concurrency it is given, on the
 * queue and key prefix the bench process chose. Modes: `trivial` (a job returns a + b), `fib` (the
 * step-job pattern BullMQ's docs give for a parent adding children and waiting on them) and `flow` (the
 * fib tree added up front by a FlowProducer: a job sums its children's values). Protocol: see child.ts; the
 * bench sends `{ type: "expect", completed }` to hear back once that many jobs have completed here.
 */
import { Queue, WaitingChildrenError, Worker, type Job, type Processor } from "bullmq";
import { bullmqConnection } from "./redis-keys.js";
import { Completions, type ChildMessage } from "./child.js";

export interface BullmqWorkerConfig {
  readonly url: string;
  readonly prefix: string;
  readonly queue: string;
  readonly concurrency: number;
  readonly mode: "trivial" | "fib" | "flow";
}

interface FibData {
  readonly n: number;
  /** Set once the children are added: the next run of this job sums their results. */
  readonly sum?: true;
}

const config = JSON.parse(process.argv[2] ?? "") as BullmqWorkerConfig;
const connection = bullmqConnection(config.url);

function tell(message: ChildMessage): void {
  if (process.connected) process.send!(message);
}

// The bench process is gone (or done with us): nothing is left to report to.
process.on("disconnect", () => process.exit(0));

/** fib(n) as step jobs: add both children, wait for them, then sum their values. */
function fibProcessor(queue: Queue): (job: Job<FibData>, token?: string) => Promise<number> {
  return async (job, token) => {
    const { n, sum } = job.data;
    if (n < 2) return n;
    if (!sum) {
      const parent = { id: job.id!, queue: job.queueQualifiedName };
      await queue.addBulk([n - 1, n - 2].map((m) => ({ name: "fib", data: { n: m }, opts: { parent } })));
      await job.updateData({ n, sum: true });
      if (await job.moveToWaitingChildren(token!)) throw new WaitingChildrenError();
    }
    const values = await job.getChildrenValues<number>();
    return Object.values(values).reduce((a, b) => a + b, 0);
  };
}

/** A node of a fib tree a FlowProducer added: its children have already run. */
async function flowProcessor(job: Job<FibData>): Promise<number> {
  if (job.data.n < 2) return job.data.n;
  const values = await job.getChildrenValues<number>();
  return Object.values(values).reduce((a, b) => a + b, 0);
}

const childQueue =
  config.mode === "fib" ? new Queue(config.queue, { connection, prefix: config.prefix }) : undefined;
const processors: Record<BullmqWorkerConfig["mode"], () => Processor> = {
  trivial: () => async (job: Job<{ a: number; b: number }>) => job.data.a + job.data.b,
  fib: () => fibProcessor(childQueue!),
  flow: () => flowProcessor,
};
const processor = processors[config.mode]();
const worker = new Worker(config.queue, processor, {
  connection,
  prefix: config.prefix,
  concurrency: config.concurrency,
});

const completions = new Completions(tell);
worker.on("completed", () => completions.add());
worker.on("failed", (job, error) =>
  tell({ type: "failed", message: `job ${job?.id} failed: ${error.message}` }),
);
worker.on("error", (error) => tell({ type: "failed", message: `worker error: ${error.message}` }));

process.on("message", (message: { type: "expect"; completed: number } | { type: "stop" }) => {
  if (message.type === "expect") return completions.expect(message.completed);
  void (async () => {
    await worker.close();
    await childQueue?.close();
    process.exit(0);
  })();
});

await worker.waitUntilReady();
await childQueue?.waitUntilReady();
tell({ type: "ready" });
