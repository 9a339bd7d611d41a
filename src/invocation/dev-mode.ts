import type { Logger } from "../logging/index.js";
import { executionStorage, type ExecutionScope } from "./context.js";
import { Invocation, type InvocationClient, type TaskRef } from "./invocation.js";
import { InvocationStatus, type HistoryEntry } from "./status.js";
import { newId } from "../util/ids.js";

const S = InvocationStatus;
const DEV_RUNNER = "dev-mode-inline";

interface DevState {
  status: InvocationStatus;
  readonly history: HistoryEntry[];
  result: Promise<unknown>;
}

/**
 * `devModeForceSyncTasks`: every call runs the task at once, inline in the caller, with no backend and
 * no runner: for unit tests. Arguments and results still go through the serializer, so a value that
 * would fail in production fails here too.
 */
export class DevModeClient implements InvocationClient {
  private readonly states = new WeakMap<Invocation<unknown>, DevState>();

  constructor(
    private readonly logger: Logger,
    private readonly roundTrip: (value: unknown, where: string) => unknown,
  ) {}

  call<R>(task: TaskRef, args: readonly unknown[], run: (args: unknown[]) => Promise<R>): Invocation<R> {
    const parent = executionStorage.getStore()?.invocation ?? null;
    const copied = this.roundTrip(args, `arguments of task "${task.id}"`) as unknown[];
    const invocation = new Invocation<R>(newId(), task, args, parent, this);
    const history: HistoryEntry[] = [entry(S.REGISTERED), entry(S.PENDING), entry(S.RUNNING)];
    const scope: ExecutionScope = {
      invocation: invocation,
      runnerId: DEV_RUNNER,
      logger: this.logger.child({ runner: DEV_RUNNER, invocation: invocation.id, task: task.id }),
      waitOn: (_id, resume) => resume(),
      signal: new AbortController().signal,
      killed: false,
    };
    const state: DevState = { status: S.RUNNING, history, result: Promise.resolve() };
    state.result = executionStorage
      .run(scope, () => run(copied))
      .then((value) => this.roundTrip(value, `result of task "${task.id}"`))
      .then(
        (value) => this.end(state, S.SUCCESS, value),
        (error: unknown) => this.end(state, S.FAILED, Promise.reject(error as Error)),
      );
    state.result.catch(() => {}); // read or not, a failure must not be an unhandled rejection
    this.states.set(invocation, state);
    return invocation;
  }

  /** Inline calls run to the end at once: there is nothing left to cancel. */
  async cancel(): Promise<boolean> {
    return false;
  }

  async status(invocation: Invocation<unknown>): Promise<InvocationStatus> {
    return this.state(invocation).status;
  }

  async history(invocation: Invocation<unknown>): Promise<HistoryEntry[]> {
    return [...this.state(invocation).history];
  }

  result<R>(invocation: Invocation<R>): Promise<R> {
    return this.state(invocation).result as Promise<R>;
  }

  private end<T>(state: DevState, status: InvocationStatus, value: T): T {
    state.status = status;
    state.history.push(entry(status));
    return value;
  }

  private state(invocation: Invocation<unknown>): DevState {
    return this.states.get(invocation)!;
  }
}

let seq = 0;

function entry(status: InvocationStatus): HistoryEntry {
  return { status, runnerId: DEV_RUNNER, at: Date.now(), seq: ++seq };
}
