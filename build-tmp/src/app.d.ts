import type { Backend } from "./backends/backend.js";
import { AppConfig, type AppConfigValues } from "./config/index.js";
import { type ClientHost } from "./invocation/app-invocation-client.js";
import { Invocation } from "./invocation/invocation.js";
import type { InvocationRecord, Outcome } from "./invocation/invocation-record.js";
import { Registrar } from "./invocation/registrar.js";
import type { TynencEvents } from "./events.js";
import { SafeEmitter, type Logger, type LoggerLike } from "./logging/index.js";
import { Orchestrator } from "./orchestrator/orchestrator.js";
import type { Runner } from "./runner/runner.js";
import type { PreparedInvocation, RunnerHost } from "./runner/runner-host.js";
import { JsonSerializer } from "./serializer/index.js";
import type { AnyTask, Task, TaskFunction, TaskOf, TaskOptions } from "./task/task.js";
import { type Awaitable } from "./util/awaitable.js";
/** Constructor options: any configuration field, plus objects that are not configuration. */
export type TynencOptions = Partial<Omit<AppConfigValues, "backend">> & {
    /** A backend name, or a backend bundle from a factory such as `memoryBackend()`. */
    backend?: AppConfigValues["backend"] | Backend;
    /** Any logger with debug/info/warn/error (pino, winston, console) instead of the built-in one. */
    logger?: LoggerLike;
};
/** An app: task registry, configuration, and the backend and runner that execute its invocations. */
export declare class Tynenc implements RunnerHost, ClientHost, AsyncDisposable {
    readonly conf: AppConfig;
    readonly logger: Logger;
    readonly serializer: JsonSerializer;
    readonly registrar: Registrar;
    /** Lifecycle events: `app.events.on("invocation:status", ({ invocationId, status }) => ...)`. */
    readonly events: SafeEmitter<TynencEvents>;
    private readonly tasks;
    private readonly client;
    private readonly devMode;
    private backendInstance;
    private orchestratorInstance;
    private runnerInstance;
    private warnedNoRunner;
    constructor(options?: TynencOptions);
    get appId(): string;
    /** Register a task. Its id is `name`, `options.name` or the function's name; types come from `fn`. */
    task<F extends TaskFunction>(name: string, fn: F, options?: TaskOptions): TaskOf<F>;
    task<F extends TaskFunction>(fn: F, options?: TaskOptions): TaskOf<F>;
    /** The task registered under `id`; throws UnknownTaskError naming the known ones. */
    getTask(id: string): AnyTask;
    /** Register a class (or Error subclass) so its instances survive serialization as themselves. */
    registerClass<T>(cls: abstract new (...args: any[]) => T, options?: Parameters<JsonSerializer["registerClass"]>[1]): void;
    /** The runner of this app, of class `conf.runnerCls`, made on first use. */
    get runner(): Runner;
    get backend(): Backend;
    get orchestrator(): Orchestrator;
    get notifier(): import("./index.js").Notifier;
    /** The invocation whose code is running right now (inside a task), or undefined elsewhere. */
    currentInvocation(): Invocation<unknown> | undefined;
    /** The handle of any invocation the backend knows, registered from any process. */
    getInvocation<R = unknown>(id: string): Promise<Invocation<R>>;
    /** Stop the runner (if running) and close the backend. */
    close(): Promise<void>;
    [Symbol.asyncDispose](): Promise<void>;
    maxParallelSlots(): number;
    stopGraceMs(): number;
    prepare(record: InvocationRecord, localParent?: Invocation<unknown>): Awaitable<PreparedInvocation>;
    outcomeOf(taskId: string, result: {
        ok: true;
        value: unknown;
    } | {
        ok: false;
        error: unknown;
    }): Outcome;
    decodeOutcome(id: string): Awaitable<unknown>;
    private decode;
    cannotRunReason(): string | undefined;
    onOutsideAwait(invocation: Invocation<unknown>): void;
    private makeTask;
    private call;
    private makeLogger;
    private makeBackend;
    private makeRunner;
}
export type { Task };
