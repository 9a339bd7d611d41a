import type { Backend } from "../backends/backend.js";
import { argsDiff, decidesAtCall, keysOf } from "../concurrency/concurrency-policy.js";
import type { AppConfig } from "../config/index.js";
import { ConcurrencyControlledError, ConfigError } from "../errors/errors.js";
import type { AppInvocationClient } from "../invocation/app-invocation-client.js";
import { currentExecution } from "../invocation/context.js";
import type { DevModeClient } from "../invocation/dev-mode.js";
import { Invocation } from "../invocation/invocation.js";
import { NewInvocationRecord } from "../invocation/invocation-record.js";
import type { Registrar } from "../invocation/registrar.js";
import type { Logger } from "../logging/index.js";
import type { Orchestrator } from "../orchestrator/orchestrator.js";
import { encodeArgs, type EncodedArgs, type JsonSerializer } from "../serializer/index.js";
import { callTask } from "../task/call-task.js";
import { InvocationGroup } from "../task/invocation-group.js";
import { parallelizeEntry } from "../task/parallelize-entry.js";
import type { TaskPolicies } from "../task/task-policies.js";
import type { AnyTask, TaskFunction, TaskOptions } from "../task/task.js";
import { TaskLogger } from "../task/task-logger.js";
import { isPromise, type Awaitable } from "../util/awaitable.js";
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
  constructor(
    private readonly app: CallHost,
    private readonly client: AppInvocationClient,
    private readonly devMode: DevModeClient,
    private readonly policies: TaskPolicies,
    private readonly payloads: Payloads,
  ) {}

  /** The callable task object: calling it registers an invocation. */
  makeTask(id: string, fn: TaskFunction, options: TaskOptions): AnyTask {
    const logger = new TaskLogger(this.app.logger.child({ task: id }));
    const call = (...args: unknown[]): Invocation<unknown> => this.call(task, args, fn);
    const parallelize = (argsList: Iterable<unknown[]>) =>
      new InvocationGroup(this.callMany(task, argsList, fn));
    const task = Object.defineProperties(call, {
      id: { value: id, enumerable: true },
      name: { value: id },
      logger: { value: logger },
      fn: { value: fn },
      options: { value: Object.freeze({ ...options }) },
      parallelize: { value: parallelize },
    }) as unknown as AnyTask;
    return task;
  }

  private call(task: AnyTask, args: unknown[], fn: TaskFunction): Invocation<unknown> {
    if (this.app.conf.devModeForceSyncTasks) {
      return this.devMode.call(task, args, (copied) => callTask(task, copied, this.app.logger, fn));
    }
    refuseIfEnded();
    return this.register(task, args, this.payloads.encodeArgs(task, args));
  }

  /** Every argument list is encoded before any is registered: one bad entry registers none. */
  private callMany(task: AnyTask, argsList: Iterable<unknown[]>, fn: TaskFunction): Invocation<unknown>[] {
    const id = task.id;
    if (this.app.conf.devModeForceSyncTasks) {
      return Array.from(argsList, (args, i) => parallelizeEntry(id, i, args, (a) => this.call(task, a, fn)));
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
    return all.map((args, i) => this.register(task, args, encoded[i]!));
  }

  private register(task: AnyTask, args: unknown[], encoded: EncodedArgs): Invocation<unknown> {
    const scope = currentExecution();
    const parent = scope?.invocation ?? null;
    const policy = this.policies.concurrency(task.id);
    const keys = keysOf(policy, task.id, args, encoded, this.app.serializer);
    const id = newId();
    const record = new NewInvocationRecord(
      id,
      task.id,
      encoded,
      parent ? parent.id : null,
      Date.now(),
      keys.runningKey,
    );
    if (!decidesAtCall(policy)) {
      this.app.registrar.add(record, scope?.runnerId ?? null);
      return new Invocation(id, task, args, parent, this.client);
    }
    const answer = this.immediate(
      task,
      this.app.orchestrator.registerNow(record, keys, scope?.runnerId ?? null),
    );
    if (!answer.reused) return new Invocation(answer.id, task, args, parent, this.client);
    this.payloads.releaseArgs([encoded]); // this call's own copy is not kept
    const own = this.reusedArgs(task, answer.id, args, encoded, policy.raiseOnDifferentArgs);
    return new Invocation(answer.id, task, own, parent, this.client, true, args);
  }

  /**
   * The arguments of the invocation a call reuses: a "task" or "keys" scope may have registered it with
   * other arguments than this call's (raiseOnDifferentArgs makes that an error). Read only on this
   * path, and decoded only when the stored text differs from the call's.
   */
  private reusedArgs(
    task: AnyTask,
    id: string,
    args: unknown[],
    encoded: EncodedArgs,
    raiseOnDifferentArgs: boolean,
  ): readonly unknown[] {
    const existing = this.immediate(task, this.app.backend.stateBackend.getInvocation(id));
    let own: readonly unknown[] = args;
    let differing: number[] = [];
    if (existing && existing.serializedArgs !== encoded.serialized) {
      own = this.immediate(task, this.payloads.argsOf(existing.serializedArgs));
      // The same arguments may differ in text (object key order): the args id is the call's identity.
      if (existing.argsId !== encoded.argsId) {
        if (raiseOnDifferentArgs) throw this.differentArgsError(task, id, own, args);
        differing = differingPositions(own, args, this.app.serializer, task.id);
      }
    }
    if (this.app.logger.isEnabled("debug")) this.logReuse(task, id, differing);
    return own;
  }

  private differentArgsError(
    task: AnyTask,
    id: string,
    own: readonly unknown[],
    args: readonly unknown[],
  ): ConcurrencyControlledError {
    return new ConcurrencyControlledError(
      `Task "${task.id}" already has an unfinished invocation ${id} of the same registrationConcurrency scope, called with other arguments (raiseOnDifferentArgs):\n${argsDiff(own, args, this.app.serializer)}`,
    );
  }

  private logReuse(task: AnyTask, id: string, differing: number[]): void {
    const note =
      differing.length === 0
        ? ""
        : `; this call's arguments differ at position(s) ${differing.join(", ")} (0-based), so the handle's args are the invocation's and its callArgs this call's`;
    this.app.logger.debug(`Call of ${task.id} reuses invocation ${id}${note}`, {
      task: task.id,
      invocation: id,
      differingArgs: differing.length === 0 ? undefined : differing,
    });
  }

  /** What decides at the call must be answered at once: a task call returns its handle synchronously. */
  private immediate<T>(task: AnyTask, answer: Awaitable<T>): T {
    if (!isPromise(answer)) return answer;
    throw new ConfigError(
      `Task "${task.id}" uses registrationConcurrency or callResultCache, which need a backend that answers at once (memory); backend "${this.app.backend.name}" does not yet`,
    );
  }
}

/** The 0-based positions whose arguments are not the same (compared as args ids: key order aside). */
function differingPositions(
  before: readonly unknown[],
  after: readonly unknown[],
  serializer: JsonSerializer,
  taskId: string,
): number[] {
  const positions: number[] = [];
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    const a = encodeArgs([before[i]], serializer, taskId).argsId;
    if (a !== encodeArgs([after[i]], serializer, taskId).argsId) positions.push(i);
  }
  return positions;
}
