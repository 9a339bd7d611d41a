import {
  CancelledError,
  InvocationKilledError,
  InvocationNotFoundError,
  InvocationPurgedError,
  TimeoutError,
  type Invocation,
  type Task,
  type Tynenc,
} from "../../src/index.js";
import type { RoundLog } from "./round-log.js";
import type { Rng } from "./random.js";
import { TASK_KINDS, type StressNode, type TaskKind } from "./tree.js";

/** What a failing node throws; registered with the app so it comes back as an instance. */
export class StressFailure extends Error {
  override name = "StressFailure";
}

export type StressTasks = Record<TaskKind, Task<[StressNode], number>>;

/** The errors an await inside a node may legally see; anything else is an engine error leaking out. */
const EXPECTED_ERRORS = [StressFailure, CancelledError, TimeoutError, InvocationKilledError];

/** Waits `ms`, ending early with the abort reason when `signal` aborts. */
function work(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason as Error)), {
      once: true,
    });
  });
}

/** Registers one task per kind on `app`, all running the same node body with the options of their kind. */
export function registerStressTasks(app: Tynenc, log: RoundLog, rng: Rng, retention: boolean): StressTasks {
  app.registerClass(StressFailure);
  const tasks = {} as StressTasks;
  // Well-behaved code stops calling once aborted: calls from code running on after its invocation ended
  // would register work after the round is over.
  const call = (node: StressNode): Invocation<number> => {
    app.context()?.signal.throwIfAborted();
    const invocation = tasks[node.task](node);
    log.called(app.currentInvocation()?.id, invocation, node);
    return invocation;
  };
  const group = (nodes: readonly StressNode[]) => {
    app.context()?.signal.throwIfAborted();
    const invocations = tasks[nodes[0]!.task].parallelize(nodes.map((node) => [node]));
    const parentId = app.currentInvocation()?.id;
    invocations.invocations.forEach((invocation, i) => log.called(parentId, invocation, nodes[i]!));
    return invocations;
  };

  /** A purge of a result a cache hit handed back already finished: a read after the finish. */
  const purgedAfterFinish = (error: unknown) =>
    retention &&
    error instanceof InvocationPurgedError &&
    [...log.finishedWhenCalled].some((id) => error.message.includes(id));

  const checked = async <T>(node: StressNode, promise: Promise<T>): Promise<T> =>
    promise.catch((error: unknown) => {
      if (!EXPECTED_ERRORS.some((cls) => error instanceof cls) && !purgedAfterFinish(error)) {
        log.problem(`node ${node.id} saw ${(error as Error).name}: ${(error as Error).message}`);
      }
      throw error;
    });

  const childrenSum = async (node: StressNode): Promise<number> => {
    const { children } = node;
    if (!children.length) return 0;
    const add = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
    switch (node.mode) {
      case "seq": {
        let sum = 0;
        for (const child of children) sum += await checked(node, call(child).result);
        return sum;
      }
      case "all":
        return add(await checked(node, Promise.all(children.map((child) => call(child).result))));
      case "group":
        return add(await checked(node, group(children).results()));
      case "asCompleted": {
        let sum = 0;
        for await (const outcome of group(children).asCompleted()) {
          if (!outcome.ok) await checked(node, Promise.reject(outcome.error as Error));
          else sum += outcome.value;
        }
        return sum;
      }
    }
  };

  const innerCancel = async (node: StressNode, me: string): Promise<void> => {
    const target = node.cancel!.target === "self" ? me : log.order[node.cancel!.target % log.order.length]!;
    try {
      if (await (await app.getInvocation(target)).cancel()) log.cancelledTrue.set(target, `node ${node.id}`);
    } catch (error) {
      if (retention && error instanceof InvocationNotFoundError && error.message.includes(target)) return;
      log.problem(`node ${node.id}: cancel of ${target} from a task threw ${String(error)}`);
    }
  };

  const body = async (node: StressNode): Promise<number> => {
    const context = app.context()!;
    const me = context.invocation.id;
    const attempt = log.attempt(me);
    const failing = node.fail === "always" || (node.fail === "firstAttempt" && attempt === 1);
    if (node.cancel?.at === "start") await innerCancel(node, me);
    if (failing && node.failAt === "start") throw new StressFailure(`node ${node.id} (start)`);
    const sum = node.value + (await childrenSum(node));
    if (node.cancel?.at === "end") await innerCancel(node, me);
    if (node.sleepMs) await work(node.sleepMs, node.honorSignal ? context.signal : undefined);
    if (failing) throw new StressFailure(`node ${node.id} (end)`);
    return sum;
  };

  const timeoutMs = rng.int(5, 40);
  for (const kind of TASK_KINDS) {
    const options = {
      plain: {},
      retry: { maxRetries: rng.int(1, 2), retryFor: [StressFailure], retryDelayMs: 1, retryJitter: false },
      timeout: { timeoutMs },
      keyed: { runningConcurrency: "keys", concurrencyKey: (node: StressNode) => node.key },
      memo: { registrationConcurrency: "arguments", callResultCache: true },
    } as const;
    tasks[kind] = app.task(`stress_${kind}`, body, options[kind]);
  }
  return tasks;
}
