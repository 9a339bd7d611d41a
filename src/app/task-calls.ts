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
import type { EncodedArgs, JsonSerializer } from "../serializer/index.js";
import { callTask } from "../task/call-task.js";
import { InvocationGroup } from "../task/invocation-group.js";
import type { TaskPolicies } from "../task/task-policies.js";
import type { AnyTask, TaskFunction, TaskOptions } from "../task/task.js";
import { TaskLogger } from "../task/task-logger.js";
import { isPromise } from "../util/awaitable.js";
import type { Payloads } from "./payloads.js";
import { newId } from "../util/ids.js";

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
    return this.register(task, args, this.payloads.encodeArgs(task, args));
  }

  /** Every argument list is encoded before any is registered: one bad entry registers none. */
  private callMany(task: AnyTask, argsList: Iterable<unknown[]>, fn: TaskFunction): Invocation<unknown>[] {
    if (this.app.conf.devModeForceSyncTasks) return Array.from(argsList, (args) => this.call(task, args, fn));
    const all = Array.from(argsList);
    const encoded: EncodedArgs[] = [];
    try {
      for (const args of all) encoded.push(this.payloads.encodeArgs(task, args));
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
    const answer = this.app.orchestrator.registerNow(record, keys, scope?.runnerId ?? null);
    if (isPromise(answer)) {
      throw new ConfigError(
        `Task "${task.id}" uses registrationConcurrency or callResultCache, which need a backend that answers at once (memory); backend "${this.app.backend.name}" does not yet`,
      );
    }
    if (answer.reused) this.payloads.releaseArgs([encoded]); // this call's own copy is not kept
    if (answer.reused && policy.raiseOnDifferentArgs) this.checkSameArgs(task, answer.id, args);
    if (answer.reused && this.app.logger.isEnabled("debug")) {
      this.app.logger.debug(`Call of ${task.id} reuses invocation ${answer.id}`, { task: task.id });
    }
    return new Invocation(answer.id, task, args, parent, this.client, answer.reused);
  }

  /** raiseOnDifferentArgs: a reused invocation must have been called with the same arguments. */
  private checkSameArgs(task: AnyTask, existingId: string, args: unknown[]): void {
    const existing = this.app.backend.stateBackend.getInvocation(existingId);
    if (isPromise(existing) || !existing) return;
    const before = this.payloads.argsOf(existing.serializedArgs);
    if (isPromise(before)) return;
    const diff = argsDiff(before, args, this.app.serializer);
    if (!diff) return;
    throw new ConcurrencyControlledError(
      `Task "${task.id}" already has an unfinished invocation ${existingId} of the same registrationConcurrency scope, called with other arguments (raiseOnDifferentArgs):\n${diff}`,
    );
  }
}
