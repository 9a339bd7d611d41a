import { randomUUID } from "node:crypto";
import { memoryBackend } from "./backends/memory/index.js";
import { AppConfig } from "./config/index.js";
import { ConfigError, RunnerError } from "./errors/errors.js";
import { AppInvocationClient } from "./invocation/app-invocation-client.js";
import { currentExecution } from "./invocation/context.js";
import { DevModeClient } from "./invocation/dev-mode.js";
import { Invocation } from "./invocation/invocation.js";
import { Registrar } from "./invocation/registrar.js";
import { adaptLogger, createLogger, SafeEmitter, } from "./logging/index.js";
import { Orchestrator } from "./orchestrator/orchestrator.js";
import { DummyRunner } from "./runner/dummy-runner.js";
import { ThreadRunner } from "./runner/thread-runner.js";
import { decodeArgs, decodeError, encodeArgs, encodeError, JsonSerializer } from "./serializer/index.js";
import { TaskLogger } from "./task/task-logger.js";
import { TaskRegistry } from "./task/task-registry.js";
import { isPromise } from "./util/awaitable.js";
/** An app: task registry, configuration, and the backend and runner that execute its invocations. */
export class Tynenc {
    conf;
    logger;
    serializer = new JsonSerializer();
    registrar;
    /** Lifecycle events: `app.events.on("invocation:status", ({ invocationId, status }) => ...)`. */
    events;
    tasks;
    client;
    devMode;
    backendInstance;
    orchestratorInstance;
    runnerInstance;
    warnedNoRunner = false;
    constructor(options = {}) {
        const { backend, logger, ...fields } = options;
        const codeOptions = typeof backend === "object" ? { ...fields, backend: backend.name } : { ...fields, backend };
        if (codeOptions.backend === undefined)
            delete codeOptions.backend;
        this.conf = AppConfig.load(codeOptions);
        if (typeof backend === "object")
            this.backendInstance = backend;
        this.logger = this.makeLogger(logger);
        for (const warning of this.conf.warnings)
            this.logger.warn(warning);
        this.events = new SafeEmitter(this.logger);
        this.tasks = new TaskRegistry(() => this.conf.appId);
        this.registrar = new Registrar((records, by) => this.orchestrator.register(records, by), this.logger);
        this.client = new AppInvocationClient(this);
        this.devMode = new DevModeClient(this.logger, (value, where) => this.serializer.deserialize(this.serializer.serialize(value, where)));
    }
    get appId() {
        return this.conf.appId;
    }
    task(nameOrFn, fnOrOptions, options) {
        const { id, fn, options: opts } = this.tasks.resolve(nameOrFn, fnOrOptions, options);
        this.conf.taskConfig(id, without(opts, "name")); // validates task options now, not at first call
        const task = this.makeTask(id, fn, opts);
        this.tasks.add(task);
        return task;
    }
    /** The task registered under `id`; throws UnknownTaskError naming the known ones. */
    getTask(id) {
        return this.tasks.get(id);
    }
    /** Register a class (or Error subclass) so its instances survive serialization as themselves. */
    registerClass(cls, options) {
        this.serializer.registerClass(cls, options);
    }
    /** The runner of this app, of class `conf.runnerCls`, made on first use. */
    get runner() {
        const cls = this.conf.runnerCls;
        if (this.runnerInstance && (this.runnerInstance.cls === cls || this.runnerInstance.running)) {
            return this.runnerInstance;
        }
        return (this.runnerInstance = this.makeRunner(cls));
    }
    get backend() {
        return (this.backendInstance ??= this.makeBackend());
    }
    get orchestrator() {
        return (this.orchestratorInstance ??= new Orchestrator(this.backend, this.logger, this.events));
    }
    get notifier() {
        return this.backend.notifier;
    }
    /** The invocation whose code is running right now (inside a task), or undefined elsewhere. */
    currentInvocation() {
        return currentExecution()?.invocation;
    }
    /** The handle of any invocation the backend knows, registered from any process. */
    async getInvocation(id) {
        await this.registrar.settled();
        const record = await this.orchestrator.getRecord(id);
        const task = this.tasks.get(record.taskId);
        const parent = record.parentId ? await this.getInvocation(record.parentId) : null;
        return new Invocation(id, task, decodeArgs(record.serializedArgs, this.serializer), parent, this.client);
    }
    /** Stop the runner (if running) and close the backend. */
    async close() {
        if (this.runnerInstance?.running)
            await this.runnerInstance.stop();
        await this.registrar.settled();
        await this.backendInstance?.close();
    }
    async [Symbol.asyncDispose]() {
        await this.close();
    }
    // ---- RunnerHost ----
    maxParallelSlots() {
        return this.conf.maxParallelSlots;
    }
    stopGraceMs() {
        return this.conf.stopGraceMs;
    }
    prepare(record, localParent) {
        const task = this.tasks.get(record.taskId);
        const args = decodeArgs(record.serializedArgs, this.serializer);
        const make = (parent) => ({
            handle: new Invocation(record.id, task, args, parent, this.client),
            taskId: task.id,
            call: () => callTask(task, args, this.logger),
        });
        if (localParent || !record.parentId)
            return make(localParent ?? null);
        // The parent runs elsewhere (another runner, or it already finished): load its handle.
        return this.getInvocation(record.parentId).then(make, () => make(null));
    }
    outcomeOf(taskId, result) {
        if (result.ok) {
            try {
                return { ok: true, value: this.serializer.serialize(result.value, `result of task "${taskId}"`) };
            }
            catch (error) {
                return this.outcomeOf(taskId, { ok: false, error });
            }
        }
        return { ok: false, error: this.serializer.serialize(encodeError(result.error, this.serializer)) };
    }
    // ---- ClientHost ----
    decodeOutcome(id) {
        const found = this.orchestrator.outcome(id);
        return isPromise(found) ? found.then((o) => this.decode(id, o)) : this.decode(id, found);
    }
    decode(id, outcome) {
        if (!outcome)
            throw new RunnerError(`Invocation ${id} is final but has no stored result or error`);
        if (outcome.ok)
            return this.serializer.deserialize(outcome.value);
        throw decodeError(this.serializer.deserialize(outcome.error), this.serializer);
    }
    cannotRunReason() {
        if (this.backend.sharedAcrossProcesses || this.conf.runnerCls !== "DummyRunner")
            return undefined;
        return `No runner can ever execute this invocation: the "${this.backend.name}" backend keeps everything in this process and runnerCls is "DummyRunner", which runs nothing. Set runnerCls to "ThreadRunner" and start app.runner.run(), or use a shared backend (sqlite, redis) with a runner in another process`;
    }
    onOutsideAwait(invocation) {
        if (this.warnedNoRunner || this.backend.sharedAcrossProcesses || this.runnerInstance?.running)
            return;
        this.warnedNoRunner = true;
        this.logger.warn(`Awaiting the result of ${invocation.task.id} (${invocation.id}) while no runner is running in this process: with the "${this.backend.name}" backend only a runner started here can execute it. Start app.runner.run(), or set devModeForceSyncTasks for unit tests`);
    }
    // ---- internals ----
    makeTask(id, fn, options) {
        const logger = new TaskLogger(this.logger.child({ task: id }));
        const call = (...args) => this.call(task, args, fn);
        const task = Object.defineProperties(call, {
            id: { value: id, enumerable: true },
            name: { value: id },
            logger: { value: logger },
            fn: { value: fn },
            options: { value: Object.freeze({ ...options }) },
        });
        return task;
    }
    call(task, args, fn) {
        if (this.conf.devModeForceSyncTasks) {
            return this.devMode.call(task, args, (copied) => callTask(task, copied, this.logger, fn));
        }
        const { serialized, argsId } = encodeArgs(args, this.serializer, task.id);
        const scope = currentExecution();
        const parent = scope?.invocation ?? null;
        const record = {
            id: randomUUID(),
            taskId: task.id,
            argsId,
            serializedArgs: serialized,
            parentId: parent ? parent.id : null,
            createdAt: Date.now(),
        };
        this.registrar.add(record, scope?.runnerId ?? null);
        return new Invocation(record.id, task, args, parent, this.client);
    }
    makeLogger(user) {
        const name = `tynenc.${this.conf.appId}`;
        const root = user
            ? adaptLogger(user, name, this.conf.loggingLevel)
            : createLogger({ name, level: this.conf.loggingLevel, format: this.conf.logFormat });
        this.conf.onChange((field, value) => {
            if (field === "loggingLevel")
                root.setLevel(value);
            if (field === "logFormat" && "setFormat" in root)
                root.setFormat(value);
        });
        return root;
    }
    makeBackend() {
        const name = this.conf.backend;
        if (name === "memory")
            return memoryBackend();
        throw new ConfigError(`backend "${name}" is not available in this version of tynenc; use backend "memory" (the default) for now`);
    }
    makeRunner(cls) {
        if (cls === "DummyRunner")
            return new DummyRunner();
        if (cls === "ThreadRunner")
            return new ThreadRunner(this);
        if (!this.backend.sharedAcrossProcesses) {
            throw new RunnerError(`runnerCls "${cls}" runs invocations outside this process, but the "${this.backend.name}" backend keeps everything inside it; use "ThreadRunner" with it, or a shared backend (sqlite, redis)`);
        }
        throw new RunnerError(`runnerCls "${cls}" is not available in this version of tynenc; use "ThreadRunner"`);
    }
}
const warnedNonPromise = new WeakSet();
/** Calls the task function; a function that returns a non-promise still works, with a warning once. */
function callTask(task, args, logger, fn = task.fn) {
    let returned;
    try {
        returned = fn(...args);
    }
    catch (error) {
        return Promise.reject(error);
    }
    if (returned instanceof Promise)
        return returned;
    if (!warnedNonPromise.has(task)) {
        warnedNonPromise.add(task);
        logger.warn(`Task "${task.id}" returned a value that is not a promise; declare its function async`);
    }
    return Promise.resolve(returned);
}
function without(options, key) {
    const copy = { ...options };
    delete copy[key];
    return copy;
}
//# sourceMappingURL=app.js.map