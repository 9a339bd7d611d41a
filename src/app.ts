import { randomUUID } from "node:crypto";
import { memoryBackend } from "./backends/memory/index.js";
import type { Backend } from "./backends/backend.js";
import { AppConfig, type AppConfigValues } from "./config/index.js";
import { ConcurrencyControlledError, ConfigError, RunnerError } from "./errors/errors.js";
import { AppInvocationClient, type ClientHost } from "./invocation/app-invocation-client.js";
import { currentExecution } from "./invocation/context.js";
import { DevModeClient } from "./invocation/dev-mode.js";
import { Invocation } from "./invocation/invocation.js";
import { NewInvocationRecord, type InvocationRecord, type Outcome } from "./invocation/invocation-record.js";
import { Registrar } from "./invocation/registrar.js";
import type { TynencEvents } from "./events.js";
import {
  adaptLogger,
  createLogger,
  SafeEmitter,
  type Logger,
  type LoggerLike,
  type RootLogger,
} from "./logging/index.js";
import { Orchestrator } from "./orchestrator/orchestrator.js";
import { DummyRunner } from "./runner/dummy-runner.js";
import type { Runner } from "./runner/runner.js";
import type { PreparedInvocation, RunnerHost } from "./runner/runner-host.js";
import { ThreadRunner } from "./runner/thread-runner.js";
import {
  decodeArgs,
  decodeError,
  encodeArgs,
  encodeError,
  JsonSerializer,
  type EncodedArgs,
} from "./serializer/index.js";
import { withSerialized } from "./serializer/args.js";
import { LargeValues } from "./data-store/index.js";
import {
  argsDiff,
  concurrencyPolicy,
  decidesAtCall,
  keysOf,
  type ConcurrencyPolicy,
} from "./concurrency/concurrency-policy.js";
import type { AnyTask, Task, TaskFunction, TaskOf, TaskOptions } from "./task/task.js";
import { InvocationGroup } from "./task/invocation-group.js";
import { TaskLogger } from "./task/task-logger.js";
import {
  decideRetry,
  retryOptionsFrom,
  validateRetryOptions,
  type RetryDecision,
  type RetryOptions,
} from "./retry/index.js";
import { TaskRegistry } from "./task/task-registry.js";
import { isPromise, type Awaitable } from "./util/awaitable.js";

/** Constructor options: any configuration field, plus objects that are not configuration. */
export type TynencOptions = Partial<Omit<AppConfigValues, "backend">> & {
  /** A backend name, or a backend bundle from a factory such as `memoryBackend()`. */
  backend?: AppConfigValues["backend"] | Backend;
  /** Any logger with debug/info/warn/error (pino, winston, console) instead of the built-in one. */
  logger?: LoggerLike;
};

/** An app: task registry, configuration, and the backend and runner that execute its invocations. */
export class Tynenc implements RunnerHost, ClientHost, AsyncDisposable {
  readonly conf: AppConfig;
  readonly logger: Logger;
  readonly serializer = new JsonSerializer();
  readonly registrar: Registrar;
  /** Lifecycle events: `app.events.on("invocation:status", ({ invocationId, status }) => ...)`. */
  readonly events: SafeEmitter<TynencEvents>;
  private readonly tasks: TaskRegistry;
  private readonly client: AppInvocationClient;
  private readonly devMode: DevModeClient;
  private backendInstance: Backend | undefined;
  private orchestratorInstance: Orchestrator | undefined;
  private runnerInstance: Runner | undefined;
  private largeValuesInstance: LargeValues | undefined;
  private readonly retryOptions = new Map<string, RetryOptions>();
  private readonly taskTimeouts = new Map<string, number>();
  private readonly policies = new Map<string, ConcurrencyPolicy>();
  private warnedNoRunner = false;

  constructor(options: TynencOptions = {}) {
    const { backend, logger, ...fields } = options;
    const codeOptions =
      typeof backend === "object" ? { ...fields, backend: backend.name } : { ...fields, backend };
    if (codeOptions.backend === undefined) delete codeOptions.backend;
    this.conf = AppConfig.load(codeOptions as Partial<AppConfigValues>);
    if (typeof backend === "object") this.backendInstance = backend;
    this.logger = this.makeLogger(logger);
    for (const warning of this.conf.warnings) this.logger.warn(warning);
    this.events = new SafeEmitter<TynencEvents>(this.logger);
    this.tasks = new TaskRegistry(() => this.conf.appId);
    this.registrar = new Registrar((records, by) => this.orchestrator.register(records, by), this.logger);
    this.client = new AppInvocationClient(this);
    this.devMode = new DevModeClient(this.logger, (value, where) =>
      this.serializer.deserialize(this.serializer.serialize(value, where)),
    );
  }

  get appId(): string {
    return this.conf.appId;
  }

  /** Register a task. Its id is `name`, `options.name` or the function's name; types come from `fn`. */
  task<F extends TaskFunction>(name: string, fn: F, options?: TaskOptions<Parameters<F>>): TaskOf<F>;
  task<F extends TaskFunction>(fn: F, options?: TaskOptions<Parameters<F>>): TaskOf<F>;
  task<F extends TaskFunction>(
    nameOrFn: string | F,
    fnOrOptions?: F | TaskOptions,
    options?: TaskOptions,
  ): TaskOf<F> {
    const { id, fn, options: opts } = this.tasks.resolve(nameOrFn, fnOrOptions, options);
    // Task settings are validated now, not at the first call.
    const conf = this.conf.taskConfig(id, without(opts, ...CODE_ONLY_OPTIONS));
    const retry = retryOptionsFrom(conf, opts.retryFor);
    validateRetryOptions(id, retry, { maxRetriesSource: conf.sourceOf("maxRetries").source });
    this.retryOptions.set(id, retry);
    this.taskTimeouts.set(id, conf.timeoutMs);
    this.policies.set(id, concurrencyPolicy(id, conf, opts.concurrencyKey));
    const task = this.makeTask(id, fn, opts) as unknown as TaskOf<F>;
    this.tasks.add(task);
    return task;
  }

  /**
   * A task that keeps the plain function's signature: calling it returns the result, not an invocation
   * (it registers an invocation and awaits it). For adopting tynenc one function at a time.
   */
  directTask<F extends TaskFunction>(name: string, fn: F, options?: TaskOptions): F;
  directTask<F extends TaskFunction>(fn: F, options?: TaskOptions): F;
  directTask<F extends TaskFunction>(
    nameOrFn: string | F,
    fnOrOptions?: F | TaskOptions,
    options?: TaskOptions,
  ): F {
    const task = this.task(nameOrFn as string, fnOrOptions as F, options);
    const direct = (...args: Parameters<F>) => task(...args).result;
    return Object.defineProperty(direct, "name", { value: task.id }) as unknown as F;
  }

  /** The task registered under `id`; throws UnknownTaskError naming the known ones. */
  getTask(id: string): AnyTask {
    return this.tasks.get(id);
  }

  /** Register a class (or Error subclass) so its instances survive serialization as themselves. */
  registerClass<T>(
    cls: abstract new (...args: any[]) => T,
    options?: Parameters<JsonSerializer["registerClass"]>[1],
  ): void {
    this.serializer.registerClass(cls as never, options as never);
  }

  /** The runner of this app, of class `conf.runnerCls`, made on first use. */
  get runner(): Runner {
    const cls = this.conf.runnerCls;
    if (this.runnerInstance && (this.runnerInstance.cls === cls || this.runnerInstance.running)) {
      return this.runnerInstance;
    }
    return (this.runnerInstance = this.makeRunner(cls));
  }

  get backend(): Backend {
    return (this.backendInstance ??= this.makeBackend());
  }

  get orchestrator(): Orchestrator {
    return (this.orchestratorInstance ??= new Orchestrator(this.backend, this.logger, this.events, {
      retention: () => this.conf,
      reroutesOnConcurrency: (taskId) => this.policies.get(taskId)?.reroute ?? true,
      failureOutcome: (error) => this.failureOutcome(error),
    }));
  }

  get notifier() {
    return this.backend.notifier;
  }

  /**
   * Inside a task: the running invocation and the AbortSignal that fires when it is cancelled or times
   * out. Undefined elsewhere.
   */
  context(): { readonly invocation: Invocation<unknown>; readonly signal: AbortSignal } | undefined {
    const scope = currentExecution();
    return scope && { invocation: scope.invocation, signal: scope.signal };
  }

  /** The invocation whose code is running right now (inside a task), or undefined elsewhere. */
  currentInvocation(): Invocation<unknown> | undefined {
    return currentExecution()?.invocation;
  }

  /** The handle of any invocation the backend knows, registered from any process. */
  async getInvocation<R = unknown>(id: string): Promise<Invocation<R>> {
    await this.registrar.settled();
    const record = await this.orchestrator.getRecord(id);
    const task = this.tasks.get(record.taskId);
    const parent = record.parentId ? await this.getInvocation(record.parentId) : null;
    const text = await this.largeValues.resolveArgs(record.serializedArgs);
    return new Invocation<R>(id, task, decodeArgs(text, this.serializer), parent, this.client);
  }

  /** Stop the runner (if running) and close the backend. */
  async close(): Promise<void> {
    if (this.runnerInstance?.running) await this.runnerInstance.stop();
    await this.registrar.settled();
    await this.backendInstance?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---- RunnerHost ----

  maxParallelSlots(): number {
    return this.conf.maxParallelSlots;
  }

  stopGraceMs(): number {
    return this.conf.stopGraceMs;
  }

  prepare(record: InvocationRecord, localParent?: Invocation<unknown>): Awaitable<PreparedInvocation> {
    const task = this.tasks.get(record.taskId);
    const make = (text: string, parent: Invocation<unknown> | null): PreparedInvocation => {
      const args = decodeArgs(text, this.serializer);
      return {
        handle: new Invocation<unknown>(record.id, task, args, parent, this.client),
        taskId: task.id,
        call: () => callTask(task, args, this.logger),
      };
    };
    const text = this.largeValues.resolveArgs(record.serializedArgs);
    if (!isPromise(text) && (localParent || !record.parentId)) return make(text, localParent ?? null);
    // The parent runs elsewhere (another runner, or it already finished): load its handle.
    return Promise.resolve(text).then(async (resolved) => {
      const parent = record.parentId ? await this.getInvocation(record.parentId).catch(() => null) : null;
      return make(resolved, localParent ?? parent);
    });
  }

  timeoutMs(taskId: string): number {
    return this.taskTimeouts.get(taskId) ?? 0;
  }

  retryDecision(taskId: string, error: unknown, failedAttempts: number): RetryDecision {
    const options = this.retryOptions.get(taskId);
    if (!options) return { retry: false, delayMs: 0, reason: `task "${taskId}" has no retry options` };
    return decideRetry(error, failedAttempts, options);
  }

  outcomeOf(taskId: string, result: { ok: true; value: unknown } | { ok: false; error: unknown }): Outcome {
    if (result.ok) {
      try {
        const text = this.serializer.serialize(result.value, `result of task "${taskId}"`);
        return { ok: true, value: this.externalizeResult(text) };
      } catch (error) {
        return this.outcomeOf(taskId, { ok: false, error });
      }
    }
    return {
      ok: false,
      error: this.externalizeResult(this.serializer.serialize(encodeError(result.error, this.serializer))),
    };
  }

  failureOutcome(error: Error): Outcome {
    return this.outcomeOf("", { ok: false, error });
  }

  private externalizeResult(text: string): string {
    const threshold = this.conf.largeValueThresholdBytes;
    if (threshold === 0 || text.length * 3 <= threshold) return text;
    const stored = this.largeValues.externalizeResult(text);
    return isPromise(stored) ? text : stored; // an async store keeps results inline for now
  }

  // ---- ClientHost ----

  decodeOutcome(id: string): Awaitable<unknown> {
    const found = this.orchestrator.outcome(id);
    return isPromise(found) ? found.then(async (o) => this.decode(id, o)) : this.decode(id, found);
  }

  private decode(id: string, outcome: Outcome | undefined): Awaitable<unknown> {
    if (!outcome) throw new RunnerError(`Invocation ${id} is final but has no stored result or error`);
    const text = this.largeValues.resolveResult(outcome.ok ? outcome.value : outcome.error);
    const read = (resolved: string) => {
      if (outcome.ok) return this.serializer.deserialize(resolved);
      throw decodeError(this.serializer.deserialize(resolved) as never, this.serializer);
    };
    return isPromise(text) ? text.then(read) : read(text);
  }

  cannotRunReason(): string | undefined {
    if (this.backend.sharedAcrossProcesses || this.conf.runnerCls !== "DummyRunner") return undefined;
    if (executingApps.get(this.backend)?.size) return undefined; // another app of this process runs it
    return `No runner can ever execute this invocation: the "${this.backend.name}" backend keeps everything in this process and runnerCls is "DummyRunner", which runs nothing. Set runnerCls to "ThreadRunner" and start app.runner.run(), or use a shared backend (sqlite, redis) with a runner in another process`;
  }

  onOutsideAwait(invocation: Invocation<unknown>): void {
    if (this.warnedNoRunner || this.backend.sharedAcrossProcesses) return;
    for (const app of executingApps.get(this.backend) ?? []) if (app.runnerInstance?.running) return;
    this.warnedNoRunner = true;
    this.logger.warn(
      `Awaiting the result of ${invocation.task.id} (${invocation.id}) while no runner is running in this process: with the "${this.backend.name}" backend only a runner started here can execute it. Start app.runner.run(), or set devModeForceSyncTasks for unit tests`,
    );
  }

  // ---- internals ----

  private makeTask(id: string, fn: TaskFunction, options: TaskOptions): AnyTask {
    const logger = new TaskLogger(this.logger.child({ task: id }));
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
    if (this.conf.devModeForceSyncTasks) {
      return this.devMode.call(task, args, (copied) => callTask(task, copied, this.logger, fn));
    }
    return this.register(task, args, this.externalize(task, encodeArgs(args, this.serializer, task.id)));
  }

  /** Every argument list is encoded before any is registered: one bad entry registers none. */
  private callMany(task: AnyTask, argsList: Iterable<unknown[]>, fn: TaskFunction): Invocation<unknown>[] {
    if (this.conf.devModeForceSyncTasks) return Array.from(argsList, (args) => this.call(task, args, fn));
    const all = Array.from(argsList);
    const encoded = all.map((args) => this.externalize(task, encodeArgs(args, this.serializer, task.id)));
    return all.map((args, i) => this.register(task, args, encoded[i]!));
  }

  private register(task: AnyTask, args: unknown[], encoded: EncodedArgs): Invocation<unknown> {
    const scope = currentExecution();
    const parent = scope?.invocation ?? null;
    const policy = this.policies.get(task.id)!;
    const keys = keysOf(policy, task.id, args, encoded, this.serializer);
    const id = randomUUID();
    const record = new NewInvocationRecord(
      id,
      task.id,
      encoded,
      parent ? parent.id : null,
      Date.now(),
      keys.runningKey,
    );
    if (!decidesAtCall(policy)) {
      this.registrar.add(record, scope?.runnerId ?? null);
      return new Invocation(id, task, args, parent, this.client);
    }
    const answer = this.orchestrator.registerNow(record, keys, scope?.runnerId ?? null);
    if (isPromise(answer)) {
      throw new ConfigError(
        `Task "${task.id}" uses registrationConcurrency or callResultCache, which need a backend that answers at once (memory); backend "${this.backend.name}" does not yet`,
      );
    }
    if (answer.reused && policy.raiseOnDifferentArgs) this.checkSameArgs(task, answer.id, args);
    if (answer.reused && this.logger.isEnabled("debug")) {
      this.logger.debug(`Call of ${task.id} reuses invocation ${answer.id}`, { task: task.id });
    }
    return new Invocation(answer.id, task, args, parent, this.client, answer.reused);
  }

  /** raiseOnDifferentArgs: a reused invocation must have been called with the same arguments. */
  private checkSameArgs(task: AnyTask, existingId: string, args: unknown[]): void {
    const existing = this.backend.stateBackend.getInvocation(existingId);
    if (isPromise(existing) || !existing) return;
    const before = decodeArgs(existing.serializedArgs, this.serializer);
    const diff = argsDiff(before, args, this.serializer);
    if (!diff) return;
    throw new ConcurrencyControlledError(
      `Task "${task.id}" already has an unfinished invocation ${existingId} of the same registrationConcurrency scope, called with other arguments (raiseOnDifferentArgs):\n${diff}`,
    );
  }

  /** Arguments above largeValueThresholdBytes go to the data store once, by content hash. */
  private externalize(task: AnyTask, encoded: EncodedArgs): EncodedArgs {
    const threshold = this.conf.largeValueThresholdBytes;
    if (threshold === 0 || encoded.serialized.length * 3 <= threshold) return encoded; // at most 3 UTF-8 bytes per UTF-16 unit
    const inline = task.options.inlineArgs ? new Set(task.options.inlineArgs) : undefined;
    const result = this.largeValues.externalizeArgs(encoded.serialized, inline);
    if (isPromise(result)) {
      throw new ConfigError(
        `Backend "${this.backend.name}" stores large values asynchronously, which calls cannot wait for yet; raise largeValueThresholdBytes or set it to 0`,
      );
    }
    return withSerialized(encoded, result.serialized);
  }

  /** Large values of this app's backend (made on first use). */
  get largeValues(): LargeValues {
    return (this.largeValuesInstance ??= new LargeValues(this.backend.dataStore, {
      thresholdBytes: this.conf.largeValueThresholdBytes,
    }));
  }

  private makeLogger(user: LoggerLike | undefined): Logger {
    const name = `tynenc.${this.conf.appId}`;
    const root: RootLogger = user
      ? adaptLogger(user, name, this.conf.loggingLevel)
      : createLogger({ name, level: this.conf.loggingLevel, format: this.conf.logFormat });
    this.conf.onChange((field, value) => {
      if (field === "loggingLevel") root.setLevel(value as never);
      if (field === "logFormat" && "setFormat" in root)
        (root as { setFormat(f: never): void }).setFormat(value as never);
    });
    return root;
  }

  private makeBackend(): Backend {
    const name = this.conf.backend;
    if (name === "memory") return memoryBackend();
    throw new ConfigError(
      `backend "${name}" is not available in this version of tynenc; use backend "memory" (the default) for now`,
    );
  }

  private makeRunner(cls: string): Runner {
    if (cls === "DummyRunner") return new DummyRunner();
    const apps = executingApps.get(this.backend) ?? new Set<Tynenc>();
    executingApps.set(this.backend, apps.add(this));
    if (cls === "ThreadRunner") return new ThreadRunner(this);
    if (!this.backend.sharedAcrossProcesses) {
      throw new RunnerError(
        `runnerCls "${cls}" runs invocations outside this process, but the "${this.backend.name}" backend keeps everything inside it; use "ThreadRunner" with it, or a shared backend (sqlite, redis)`,
      );
    }
    throw new RunnerError(
      `runnerCls "${cls}" is not available in this version of tynenc; use "ThreadRunner"`,
    );
  }
}

const warnedNonPromise = new WeakSet<object>();

/** Apps of this process that made an executing runner for a backend instance (shared in-process backends). */
const executingApps = new WeakMap<Backend, Set<Tynenc>>();

/** Calls the task function; a function that returns a non-promise still works, with a warning once. */
function callTask(
  task: AnyTask,
  args: unknown[],
  logger: Logger,
  fn: TaskFunction = task.fn,
): Promise<unknown> {
  let returned: unknown;
  try {
    returned = fn(...args);
  } catch (error) {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on exactly as thrown
    return Promise.reject(error);
  }
  if (returned instanceof Promise) return returned;
  if (!warnedNonPromise.has(task)) {
    warnedNonPromise.add(task);
    logger.warn(`Task "${task.id}" returned a value that is not a promise; declare its function async`);
  }
  return Promise.resolve(returned);
}

/** Task options that are not settings (functions, classes, lists): never read from files or env. */
const CODE_ONLY_OPTIONS = ["name", "retryFor", "inlineArgs", "concurrencyKey"] as const;

function without(options: TaskOptions, ...keys: readonly string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...options };
  for (const key of keys) delete copy[key];
  return copy;
}

export type { Task };
