/**
 * Every setting tynenc reads. Adding a setting is one entry here: its type, env variable, docs,
 * `tynenc config show` row and the typed `app.conf.<name>` property all follow from it.
 */
import { availableParallelism } from "node:os";
import { booleanField, durationMsField, enumField, intField, stringField, } from "./field.js";
export const APP_FIELDS = {
    appId: stringField({
        default: "tynenc",
        pattern: /^[A-Za-z0-9_.-]+$/,
        patternDoc: "letters, digits, '_', '.' and '-'",
        doc: "Names the app: backends keep each app's data apart by it, and its logger is tynenc.{appId}.",
    }),
    backend: enumField({
        values: ["memory", "sqlite", "redis"],
        default: "memory",
        doc: "Where invocations, status and results are kept; memory lives and dies with this process.",
    }),
    sqlitePath: stringField({
        default: "tynenc.sqlite",
        nonEmpty: true,
        doc: "Database file of the sqlite backend, relative to the working directory.",
    }),
    redisUrl: stringField({
        default: "redis://127.0.0.1:6379",
        nonEmpty: true,
        doc: "Connection URL of the redis backend.",
    }),
    runnerCls: enumField({
        values: ["ThreadRunner", "MultiThreadRunner", "ProcessRunner", "PersistentProcessRunner", "DummyRunner"],
        default: "ThreadRunner",
        doc: "Which runner app.runner builds.",
    }),
    maxParallelSlots: intField({
        min: 1,
        max: 10000,
        default: { compute: availableParallelism, doc: "number of CPUs (os.availableParallelism())" },
        doc: "Invocations a ThreadRunner runs at once; per worker for the pool runners.",
    }),
    loggingLevel: enumField({
        values: ["debug", "info", "warn", "error", "silent"],
        default: "info",
        doc: "Lowest level the built-in logger writes; debug follows every claim, pause and resume.",
    }),
    logFormat: enumField({
        values: ["text", "json"],
        default: "text",
        doc: "Line format of the built-in logger.",
    }),
    devModeForceSyncTasks: booleanField({
        default: false,
        doc: "Run every task inline in its caller, without a runner (for unit tests).",
    }),
    stopGraceMs: durationMsField({
        default: 5000,
        doc: "How long runner.stop() waits for running invocations before killing them.",
    }),
    heartbeatIntervalMs: durationMsField({
        default: 5000,
        doc: "How often a runner records that it is alive.",
    }),
    runnerDeadAfterMs: durationMsField({
        default: 60000,
        doc: "A runner silent for this long is dead; its invocations are recovered.",
    }),
    maxPendingMs: durationMsField({
        default: 30000,
        doc: "An invocation PENDING for longer than this is recovered and re-queued.",
    }),
};
/** Settings resolved per task id, from `app.task(..., options)`, a file's `tasks` section and env. */
export const TASK_FIELDS = {
    maxRetries: intField({
        min: 0,
        default: 0,
        doc: "Times an invocation that fails with a retriable error is run again before it is FAILED.",
    }),
};
//# sourceMappingURL=schema.js.map