import type { Backend } from "../backends/backend.js";
import { decidesAtCall, keysOf } from "../concurrency/concurrency-policy.js";
import type { AppConfig } from "../config/index.js";
import type { AppInvocationClient } from "../invocation/app-invocation-client.js";
import { currentExecution } from "../invocation/context.js";
import type { DevModeClient } from "../invocation/dev-mode.js";
import { Invocation, withTriggeredBy } from "../invocation/invocation.js";
import type { TriggeredBy } from "../triggers/trigger-store.js";
import { NewInvocationRecord, TriggeredInvocationRecord } from "../invocation/invocation-record.js";
import type { Registrar } from "../invocation/registrar.js";
import type { Logger } from "../logging/index.js";
import type { Orchestrator } from "../orchestrator/orchestrator.js";
import type { EncodedArgs, JsonSerializer } from "../serializer/index.js";
import { callTask } from "../task/call-task.js";
import { InvocationGroup } from "../task/invocation-group.js";
import { parallelizeEntry } from "../task/parallelize-entry.js";
import type { TaskPolicies } from "../task/task-policies.js";
import type { AnyTask, TaskCaller, TaskFunction, TaskOptions } from "../task/task.js";
import { ResolvedCallOptions } from "../task/call-options.js";
import { TaskLogger } from "../task/task-logger.js";
import { DecidedCalls } from "./decided-calls.js";
import type { Payloads } from "./payloads.js";
import { newId } from "../util/ids.js";

/**
 * Code of an invocation that was cancelled, timed out or killed may still run (nothing can stop a
 * JavaScript function), but it starts no new work: its calls throw the reason it ended.
 */
function refuseIfEnded(): void {
  const scope = currentExecution();
  if (scope?.killed) throw scope.signal.reason;
}

/** What of the app a task call uses. */
export interface CallHost {
  readonly conf: AppConfig;
  readonly logger: Logger;
  readonly serializer: JsonSerializer;
  readonly registrar: Registrar;
  readonly backend: Backend;
  readonly orchestrator: Orchestrator;
}

/**
 * What calling a task does: encode its arguments, register an invocation (or reuse one, when its
 * concurrency policy decides at the call) and hand back its handle; in devModeForceSyncTasks, run it here.
 */
export class TaskCalls {
  private readonly decided: DecidedCalls;

  constructor(
    private readonly app: CallHost,
    private readonly client: AppInvocationClient,
    private readonly devMode: DevModeClient,
    private readonly policies: TaskPolicies,
    private readonly payloads: Payloads,
  ) {
    this.decided = new DecidedCalls(app, client, payloads);
  }

  /** The callable task object: calling it registers an invocation. */
  makeTask(id: string, fn: TaskFunction, options: TaskOptions): AnyTask {
    const logger = new TaskLogger(this.app.logger.child({ task: id }));
    const call = (...args: unknown[]): Invocation<unknown> => this.call(task, args, fn);
    const parallelize = (argsList: Iterable<unknown[]>) =>
      new InvocationGroup(this.callMany(task, argsList, fn));
    const withOptions = (callOptions: unknown) => this.caller(task, fn, callOptions);
    const task = Object.defineProperties(call, {
      id: { value: id, enumerable: true },
      name: { value: id },
      logger: { value: logger },
      fn: { value: fn },
      options: { value: Object.freeze({ ...options }) },
      parallelize: { value: parallelize },
      with: { value: withOptions },
    }) as unknown as AnyTask;
    return task;
  }

  /** `task.with(options)`: the options are checked now, and each call gets its own due time. */
  private caller(task: AnyTask, fn: TaskFunction, options: unknown): TaskCaller<unknown[], unknown> {
    const resolved = ResolvedCallOptions.of(task.id, options);
    const call = (...args: unknown[]) => this.call(task, args, fn, resolved);
    const parallelize = (argsList: Iterable<unknown[]>) =>
      new InvocationGroup(this.callMany(task, argsList, fn, resolved));
    return Object.defineProperties(call, {
      name: { value: task.id },
      parallelize: { value: parallelize },
    }) as unknown as TaskCaller<unknown[], unknown>;
  }

  private call(
    task: AnyTask,
    args: unknown[],
    fn: TaskFunction,
    options?: ResolvedCallOptions,
  ): Invocation<unknown> {
    if (this.app.conf.devModeForceSyncTasks) {
      // Inline means at once: a unit test of code that schedules work should not wait for it.
      return this.devMode.call(task, args, (copied) => callTask(task, copied, this.app.logger, fn));
    }
    refuseIfEnded();
    return this.register(task, args, this.payloads.encodeArgs(task, args), options?.dueAt(Date.now()));
  }

  /** A call made by a trigger: no parent (wherever it fires from), `triggeredBy` in its record. */
  callTriggered(task: AnyTask, args: unknown[], triggeredBy: TriggeredBy): Invocation<unknown> {
    if (this.app.conf.devModeForceSyncTasks) return this.call(task, args, task.fn as TaskFunction);
    return this.register(task, args, this.payloads.encodeArgs(task, args), undefined, triggeredBy);
  }

  /** Every argument list is encoded before any is registered: one bad entry registers none. */
  private callMany(
    task: AnyTask,
    argsList: Iterable<unknown[]>,
    fn: TaskFunction,
    options?: ResolvedCallOptions,
  ): Invocation<unknown>[] {
    const id = task.id;
    if (this.app.conf.devModeForceSyncTasks) {
      const each = (a: unknown[]) => this.call(task, a, fn, options);
      return Array.from(argsList, (args, i) => parallelizeEntry(id, i, args, each));
    }
    refuseIfEnded();
    const all = Array.from(argsList);
    const encoded: EncodedArgs[] = [];
    try {
      for (const [i, args] of all.entries()) {
        encoded.push(parallelizeEntry(id, i, args, (a) => this.payloads.encodeArgs(task, a)));
      }
    } catch (error) {
      this.payloads.releaseArgs(encoded); // the large values of the entries before the bad one
      throw error;
    }
    const dueAt = options?.dueAt(Date.now()); // one due time for the whole group
    return all.map((args, i) => this.register(task, args, encoded[i]!, dueAt));
  }

  private register(
    task: AnyTask,
    args: unknown[],
    encoded: EncodedArgs,
    dueAt?: number,
    triggeredBy?: TriggeredBy,
  ): Invocation<unknown> {
    const scope = triggeredBy ? undefined : currentExecution();
    const parent = scope?.invocation ?? null;
    const policy = this.policies.concurrency(task.id);
    const keys = keysOf(policy, task.id, args, encoded, this.app.serializer);
    const id = newId();
    let record = new NewInvocationRecord(
      id,
      task.id,
      encoded,
      parent ? parent.id : null,
      Date.now(),
      keys.runningKey,
      dueAt,
    );
    if (triggeredBy) record = new TriggeredInvocationRecord(record, encoded, triggeredBy);
    const runnerId = scope?.runnerId ?? null;
    if (!decidesAtCall(policy)) {
      this.app.registrar.add(record, runnerId);
      const invocation = new Invocation(id, task, args, parent, this.client);
      return triggeredBy ? withTriggeredBy(invocation, triggeredBy) : invocation;
    }
    const { raiseOnDifferentArgs } = policy;
    return this.decided.call({ task, args, encoded, record, keys, raiseOnDifferentArgs, parent, runnerId });
  }
}
