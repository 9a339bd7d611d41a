import { memoryBackend } from "./backends/memory/index.js";
import { sqliteBackend } from "./backends/sqlite/index.js";
import { redisBackend } from "./backends/redis/index.js";
import type { Backend } from "./backends/backend.js";
import { AppConfig, type AppConfigValues } from "./config/index.js";
import { ConfigError, InvocationNotFoundError, RunnerError } from "./errors/errors.js";
import { AppInvocationClient, type ClientHost } from "./invocation/app-invocation-client.js";
import { currentExecution } from "./invocation/context.js";
import { DevModeClient } from "./invocation/dev-mode.js";
import { Invocation, withTriggeredBy } from "./invocation/invocation.js";
import type { InvocationRecord, NewInvocationRecord, Outcome } from "./invocation/invocation-record.js";
import { Registrar } from "./invocation/registrar.js";
import type { TynencEvents } from "./events.js";
import { SafeEmitter, type Logger, type LoggerLike } from "./logging/index.js";
import { Orchestrator } from "./orchestrator/orchestrator.js";
import { DummyRunner } from "./runner/dummy-runner.js";
import type { Runner } from "./runner/runner.js";
import type {
  PreparedInvocation,
  RecoverySettings,
  RunnerHost,
  RunnerRegistry,
} from "./runner/runner-host.js";
import { ThreadRunner, type ThreadRunnerOptions } from "./runner/thread-runner.js";
import { makePoolRunner } from "./runner/pool/make-pool-runner.js";
import { AdoptedRunner, POOL_WORKER_RUNNER, poolWorkerHook } from "./runner/pool/pool-worker.js";
import { JsonSerializer } from "./serializer/index.js";
import type { LargeValues } from "./data-store/index.js";
import type { AnyTask, Task, TaskFunction, TaskOf, TaskOptions } from "./task/task.js";
import { callTask } from "./task/call-task.js";
import { TaskPolicies } from "./task/task-policies.js";
import type { RetryDecision } from "./retry/index.js";
import { TaskRegistry } from "./task/task-registry.js";
import { isPromise, type Awaitable } from "./util/awaitable.js";
import { appLogger } from "./app/app-logger.js";
import { StopBudget } from "./runner/stop-budget.js";
import { Payloads } from "./app/payloads.js";
import { TaskCalls } from "./app/task-calls.js";
import { compileHost, makeAppTriggers } from "./app/triggers-host.js";
import type { AppTriggers } from "./triggers/app-triggers.js";
import { compileTriggers } from "./triggers/compile.js";
import type { CronClock } from "./triggers/cron-clock.js";

/** Constructor options: any configuration field, plus objects that are not configuration. */
export type TynencOptions = Partial<Omit<AppConfigValues, "backend">> & {
  /** A backend name, or a backend bundle from a factory such as `memoryBackend()`. */
  backend?: AppConfigValues["backend"] | Backend;
  /** Any logger with debug/info/warn/error (pino, winston, console) instead of the built-in one. */
  logger?: LoggerLike;
};

/**
 * An app: task registry, configuration, and the backend and runner that execute its invocations.
 * Task calls live in app/task-calls.ts, payload encoding in app/payloads.ts, task settings in
 * task/task-policies.ts.
 */
export class Tynenc implements RunnerHost, ClientHost, AsyncDisposable {
  readonly conf: AppConfig;
  readonly logger: Logger;
  readonly serializer = new JsonSerializer();
  readonly registrar: Registrar;
  /** Lifecycle events: `app.events.on("invocation:status", ({ invocationId, status }) => ...)`. */
  readonly events: SafeEmitter<TynencEvents>;
  private readonly tasks: TaskRegistry;
  private readonly client: AppInvocationClient;
  private readonly policies: TaskPolicies;
  private readonly payloads: Payloads;
  private readonly calls: TaskCalls;
  private readonly triggers: AppTriggers;
  private backendInstance: Backend | undefined;
  private orchestratorInstance: Orchestrator | undefined;
  private runnerInstance: Runner | undefined;
  /** While close() runs: the budget its runner's stop, its writes and the backend's close share. */
  private closeBudget: StopBudget | undefined;
  /** When a runner's stop, outside close(), last waited out its budget (performance.now()). */
  private storeWaitedOutAt: number | undefined;
  private warnedNoRunner = false;

  constructor(options: TynencOptions = {}) {
    const { backend, logger, ...fields } = options;
    const codeOptions =
      typeof backend === "object" ? { ...fields, backend: backend.name } : { ...fields, backend };
    if (codeOptions.backend === undefined) delete codeOptions.backend;
    this.conf = AppConfig.load(codeOptions as Partial<AppConfigValues>);
    if (typeof backend === "object") this.backendInstance = backend;
    this.logger = appLogger(this.conf, logger);
    for (const warning of this.conf.warnings) this.logger.warn(warning);
    this.events = new SafeEmitter<TynencEvents>(this.logger);
    // Tasks register after the config is loaded: settings for ids no task has show once a runner starts.
    this.events.on("runner:started", () => {
      for (const warning of this.conf.checkTaskSettings()) this.logger.warn(warning);
    });
    this.tasks = new TaskRegistry(() => this.conf.appId);
    this.registrar = new Registrar(
      (records, by) => registerWhenSaved(this.orchestrator, records, by),
      this.logger,
      (records) => this.payloads.releaseArgs(records),
    );
    this.client = new AppInvocationClient(this);
    const devMode = new DevModeClient(this.logger, (value, where) =>
      this.serializer.deserialize(this.serializer.serialize(value, where)),
    );
    this.policies = new TaskPolicies(this.conf);
    this.payloads = new Payloads(this, this.conf, this.serializer);
    this.calls = new TaskCalls(this, this.client, devMode, this.policies, this.payloads);
    this.triggers = makeAppTriggers({
      conf: this.conf,
      logger: this.logger,
      serializer: this.serializer,
      events: this.events,
      tasks: this.tasks,
      client: this.client,
      backend: () => this.backend,
      payloads: () => this.payloads,
      calls: () => this.calls,
    });
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
    const triggers =
      opts.triggers === undefined
        ? undefined
        : compileTriggers(id, opts.triggers, compileHost(this.tasks, this.serializer));
    if (triggers) this.triggers.checkIds(triggers);
    this.policies.define(id, opts); // validated now, not at the first call
    const task = this.calls.makeTask(id, fn, opts) as unknown as TaskOf<F>;
    this.tasks.add(task);
    if (triggers) this.triggers.add(triggers);
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
    const task = this.task(nameOrFn as string, fnOrOptions as F, options as TaskOptions<Parameters<F>>);
    const direct = (...args: Parameters<F>) => task(...args).result;
    return Object.defineProperty(direct, "name", { value: task.id }) as unknown as F;
  }

  /**
   * Emit an event: the `onEvent` triggers of this app's tasks that match it fire (no runner needs to be
   * up; their invocations run when one is). Resolves to the event's id (a UUID) once the invocations it
   * triggered are registered; rejects with a TriggerError or SerializationError, registering nothing,
   * when `name` is not a non-empty string or `payload` cannot be serialized.
   */
  emitEvent(name: string, payload?: unknown): Promise<string> {
    return this.triggers.emitEvent(name, payload);
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
      reroutesOnConcurrency: (taskId) => this.policies.reroutesOnConcurrency(taskId),
      failureOutcome: (error) => this.outcomeOf("", { ok: false, error }),
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

  /**
   * The handle of any invocation the backend knows, registered from any process. Its `parent` is
   * undefined (only `parentId` is left) when retention already purged the parent.
   */
  async getInvocation<R = unknown>(id: string): Promise<Invocation<R>> {
    await this.registrar.settled();
    const record = await this.orchestrator.getRecord(id);
    const task = this.tasks.get(record.taskId);
    const parent = record.parentId ? await this.parentHandle(record.parentId) : null;
    const args = await this.payloads.argsOf(record.serializedArgs);
    return withTriggeredBy(new Invocation<R>(id, task, args, parent, this.client), record.triggeredBy);
  }

  /** A parent's handle, or its id alone once retention purged it: a kept child stays reachable. */
  private parentHandle(parentId: string): Promise<Invocation<unknown> | string> {
    return this.getInvocation(parentId).catch((error: unknown) => {
      if (error instanceof InvocationNotFoundError) return parentId;
      throw error;
    });
  }

  /** Stop the runner (if running) and close the backend. */
  async close(): Promise<void> {
    const grace = this.backendInstance?.closeGraceMs;
    // A network store that does not answer (Redis away) would hold the runner's stop, the registrations
    // and the close for ever: they share one budget of closeGraceMs (the wait for running tasks aside).
    // A stop of the runner before (SIGTERM under `tynenc runner start`) that waited it out during this
    // same outage leaves nothing to wait for.
    const down = this.backendInstance?.unreachableSince?.();
    const waitedOut = down !== undefined && (this.storeWaitedOutAt ?? -Infinity) >= down;
    if (waitedOut)
      this.logger.warn(
        "close: the backend has not answered since the runner's stop waited for it; closing without waiting again (what is still unsent fails)",
      );
    const budget = (this.closeBudget = new StopBudget(grace, this.logger, { spent: waitedOut }));
    try {
      if (this.runnerInstance?.running) await this.runnerInstance.stop();
      const written = Promise.all([this.triggers.settled(), this.registrar.settled()]);
      await budget.wait(written, "the registrations still unwritten (they are dropped and fail)");
      // Past the deadline (the budget spent) the backend drops its connections at once.
      await this.backendInstance?.close(budget.deadline);
    } finally {
      this.closeBudget = undefined;
    }
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

  stopBudget(logger: Logger): StopBudget {
    if (this.closeBudget) return this.closeBudget;
    const onSpent = () => (this.storeWaitedOutAt = performance.now());
    return new StopBudget(this.backend.closeGraceMs, logger, { onSpent });
  }

  get runnerRegistry(): RunnerRegistry {
    return this.backend.orchestratorStore;
  }

  triggerClock(holdsLease: () => boolean): CronClock | undefined {
    return this.triggers.clock(holdsLease);
  }

  recoverySettings(): RecoverySettings {
    const { heartbeatIntervalMs, runnerDeadAfterMs, maxPendingMs } = this.conf;
    const sharedAcrossProcesses = this.backend.sharedAcrossProcesses;
    return { heartbeatIntervalMs, runnerDeadAfterMs, maxPendingMs, sharedAcrossProcesses };
  }

  prepare(record: InvocationRecord, localParent?: Invocation<unknown>): Awaitable<PreparedInvocation> {
    const task = this.tasks.get(record.taskId);
    const make = (args: unknown[], parent: Invocation<unknown> | string | null): PreparedInvocation =>
      new PreparedCall(record.id, task, args, parent, this.client, this.logger);
    const args = this.payloads.argsOf(record.serializedArgs);
    if (!isPromise(args) && (localParent || !record.parentId)) return make(args, localParent ?? null);
    // The parent runs elsewhere (another runner, or it already finished): load its handle.
    return Promise.resolve(args).then(async (resolved) => {
      // A parent this app cannot make a handle of (purged, or of another app) is known by its id.
      const parentId = record.parentId;
      const parent = parentId ? await this.getInvocation(parentId).catch(() => parentId) : null;
      return make(resolved, localParent ?? parent);
    });
  }

  timeoutMs(taskId: string): number {
    return this.policies.timeoutMs(taskId);
  }

  retryDecision(taskId: string, error: unknown, failedAttempts: number): RetryDecision {
    return this.policies.retryDecision(taskId, error, failedAttempts);
  }

  outcomeOf(
    taskId: string,
    result: { ok: true; value: unknown } | { ok: false; error: unknown },
  ): Awaitable<Outcome> {
    return this.payloads.outcomeOf(taskId, result);
  }

  // ---- ClientHost ----

  decodeOutcome(id: string): Awaitable<unknown> {
    return this.payloads.decodeOutcome(id);
  }

  cannotRunReason(): string | undefined {
    if (this.backend.sharedAcrossProcesses || this.conf.runnerCls !== "DummyRunner") return undefined;
    if (executingApps.get(this.backend)?.size) return undefined; // another app of this process runs it
    return `No runner can ever execute this invocation: the "${this.backend.name}" backend keeps everything in this process and runnerCls is "DummyRunner", which runs nothing. Set runnerCls to "ThreadRunner" and start app.runner.run(), or use a shared backend (sqlite, redis) with a runner in another process`;
  }

  runnerStopped(rerouted: readonly string[]): void {
    if (rerouted.length === 0 || this.backend.sharedAcrossProcesses) return;
    for (const app of executingApps.get(this.backend) ?? []) if (app.runnerInstance?.running) return;
    const shown = rerouted.slice(0, 10).join(", ");
    const more = rerouted.length > 10 ? ` and ${rerouted.length - 10} more` : "";
    this.logger.warn(
      `The runner stopped with ${rerouted.length} invocation(s) rerouted back to the queue, and no runner of this process is left to run them: ${shown}${more}. With the "${this.backend.name}" backend they run when app.runner.run() starts again in this process; until then, whoever awaits their results waits`,
    );
  }

  onOutsideAwait(invocation: Invocation<unknown>): void {
    if (this.warnedNoRunner || this.backend.sharedAcrossProcesses) return;
    for (const app of executingApps.get(this.backend) ?? []) if (app.runnerInstance?.running) return;
    this.warnedNoRunner = true;
    // Reached with DummyRunner only when another app of this process executes on this backend.
    const advice =
      this.conf.runnerCls === "DummyRunner"
        ? `Start the runner of the app of this process that executes invocations (this app's runnerCls is "DummyRunner", which runs nothing)`
        : "Start app.runner.run(), or set devModeForceSyncTasks for unit tests";
    this.logger.warn(
      `Awaiting the result of ${invocation.task.id} (${invocation.id}) while no runner is running in this process: with the "${this.backend.name}" backend only a runner started here can execute it. ${advice}`,
    );
  }

  // ---- internals ----

  /** Large values of this app's backend (made on first use). */
  get largeValues(): LargeValues {
    return this.payloads.largeValues;
  }

  private makeBackend(): Backend {
    const name = this.conf.backend;
    if (name === "memory") return memoryBackend();
    if (name === "sqlite") {
      return sqliteBackend({
        path: this.conf.sqlitePath,
        appId: this.conf.appId,
        onError: (message, error) => this.logger.error(message, { error }),
      });
    }
    if (name === "redis") {
      const backend = redisBackend({
        url: this.conf.redisUrl,
        appId: this.conf.appId,
        ...(this.conf.redisKeyPrefix ? { keyPrefix: this.conf.redisKeyPrefix } : {}),
      });
      // A wrong host, port or password: said within seconds, not only by the first command's failure.
      backend.ready?.catch((error: unknown) => this.logger.error((error as Error).message));
      return backend;
    }
    throw new ConfigError(
      `backend "${String(name)}" is not available in this version of tynenc; use backend "memory" (the default), "sqlite" or "redis"`,
    );
  }

  private makeRunner(cls: string): Runner {
    // In a pool worker, the module's own run() joins the worker's runner (see pool/pool-worker.ts).
    const hook = poolWorkerHook();
    if (hook && cls !== "DummyRunner") return new AdoptedRunner(this, hook);
    if (cls === "DummyRunner") return new DummyRunner();
    if (cls === "ThreadRunner") {
      const apps = executingApps.get(this.backend) ?? new Set<Tynenc>();
      executingApps.set(this.backend, apps.add(this));
      return new ThreadRunner(this);
    }
    if (!this.backend.sharedAcrossProcesses) {
      throw new RunnerError(
        `runnerCls "${cls}" runs invocations outside this process, but the "${this.backend.name}" backend keeps everything inside it; use "ThreadRunner" with it, or a shared backend (sqlite, redis)`,
      );
    }
    return makePoolRunner(cls, this, this.tasks);
  }

  /** @internal The ThreadRunner of a pool worker (runner/pool/worker-main.ts), of this app's copy of tynenc. */
  [POOL_WORKER_RUNNER](options: ThreadRunnerOptions): ThreadRunner {
    return new ThreadRunner(this, options);
  }
}

/** Apps of this process that made an executing runner for a backend instance (shared in-process backends). */
const executingApps = new WeakMap<Backend, Set<Tynenc>>();

export type { Task };

/** Register `records` once the large values they refer to are stored (only asynchronous stores wait). */
function registerWhenSaved(
  orchestrator: Orchestrator,
  records: readonly InvocationRecord[],
  by: string | null,
): Awaitable<void> {
  let saving: Promise<void>[] | undefined;
  for (const record of records) {
    const saved = (record as Partial<NewInvocationRecord>).largeValuesSaved;
    if (saved) (saving ??= []).push(saved);
  }
  if (!saving) return orchestrator.register(records, by);
  return Promise.all(saving).then(() => orchestrator.register(records, by));
}

/** A claimed invocation of this app's task, ready to run; its handle is made only if something asks. */
class PreparedCall implements PreparedInvocation {
  private made: Invocation<unknown> | undefined;

  constructor(
    readonly id: string,
    private readonly task: AnyTask,
    private readonly args: unknown[],
    private readonly parent: Invocation<unknown> | string | null,
    private readonly client: AppInvocationClient,
    private readonly logger: Logger,
  ) {}

  get taskId(): string {
    return this.task.id;
  }

  get handle(): Invocation<unknown> {
    return (this.made ??= new Invocation<unknown>(this.id, this.task, this.args, this.parent, this.client));
  }

  call(): Promise<unknown> {
    return callTask(this.task, this.args, this.logger);
  }
}
