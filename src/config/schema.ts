/**
 * Every setting tynenc reads. Adding a setting is one entry here: its type, env variable, docs,
 * `tynenc config show` row and the typed `app.conf.<name>` property all follow from it.
 */
import { availableParallelism } from "node:os";
import {
  booleanField,
  durationMsField,
  enumField,
  intField,
  stringField,
  type FieldDef,
  type FieldTypeOf,
} from "./field.js";

export type Schema = Readonly<Record<string, FieldDef<unknown>>>;

/** The plain values object a schema describes, e.g. `{ appId: string; backend: "memory" | ... }`. */
export type ValuesOf<S extends Schema> = { -readonly [K in keyof S]: FieldTypeOf<S[K]> };

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
    doc: "Connection URL of the redis backend: redis://[:password@]host:port[/db], or rediss:// for TLS.",
  }),
  redisKeyPrefix: stringField({
    default: "",
    doc: "Prefix of the redis backend's keys; empty: tynenc:{<appId>}: (the braces keep one app's keys in one Redis Cluster slot).",
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
  workers: intField({
    min: 1,
    max: 1024,
    default: { compute: availableParallelism, doc: "number of CPUs (os.availableParallelism())" },
    doc: "Worker threads of a MultiThreadRunner, child processes of a PersistentProcessRunner.",
  }),
  workerMaxOldSpaceMb: intField({
    min: 0,
    max: 1048576,
    default: 0,
    doc: "Heap limit in MB of each pool worker (thread or child process); a worker over it dies and is replaced, its running invocations failing with WorkerCrashedError. 0: Node's default.",
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
    doc: "How often a running runner beats on a shared backend (sqlite, redis); the recovery lease holder then also recovers what dead runners left. Above 0.",
  }),
  runnerDeadAfterMs: durationMsField({
    default: 60000,
    doc: "A runner silent this long is dead; its invocations rerun from the start. At least 3x heartbeatIntervalMs (10x is safer) and above any event-loop block.",
  }),
  maxPendingMs: durationMsField({
    default: 30000,
    doc: "An invocation claimed (PENDING) but not started for this long is taken back and re-queued, whoever owns it. Above 0.",
  }),
  cronCatchUp: intField({
    min: 0,
    max: 1000,
    default: 1,
    doc: "Cron ticks missed while no runner kept the clock (all stopped or paused) that fire when one takes it again, per trigger: the latest ones, each at most once; 0 fires none.",
  }),
  largeValueThresholdBytes: intField({
    min: 0,
    max: 2_147_483_647,
    default: 1_048_576,
    doc: "Arguments and results larger than this (UTF-8 bytes) are stored once by content hash and referenced, until retention forgets the last invocation referring to them; 0 keeps every value inline.",
  }),
  retentionMs: durationMsField({
    default: 86_400_000,
    doc: "Finished invocations (status, history, result) are purged once they have been final this long.",
  }),
  retentionMaxFinished: intField({
    min: 1,
    max: 1_000_000_000,
    default: 100_000,
    doc: "At most this many finished invocations are kept; the oldest-finished are purged first (a result read later is gone).",
  }),
} as const satisfies Schema;

export type AppConfigValues = ValuesOf<typeof APP_FIELDS>;
export type AppConfigField = keyof AppConfigValues;

/** Settings resolved per task id, from `app.task(..., options)`, a file's `tasks` section and env. */
export const TASK_FIELDS = {
  maxRetries: intField({
    min: 0,
    default: 0,
    doc: "Times an invocation that throws RetryError or an error in the task's retryFor option is run again (same id) before it is FAILED.",
  }),
  retryBackoff: enumField({
    values: ["fixed", "exponential"],
    default: "exponential",
    doc: "How the delay before each retry grows: fixed waits retryDelayMs every time, exponential doubles it per retry.",
  }),
  retryDelayMs: durationMsField({
    // The longest setTimeout: Node fires a longer one at once (after a TimeoutOverflowWarning).
    max: 2 ** 31 - 1,
    default: 1000,
    doc: "Delay before the first retry (before every retry when retryBackoff is fixed).",
  }),
  retryMaxDelayMs: durationMsField({
    max: 2 ** 31 - 1, // the longest setTimeout, as for retryDelayMs
    default: 60000,
    doc: "Longest delay before a retry: caps the exponential growth, and jitter stays below it too.",
  }),
  retryJitter: booleanField({
    default: true,
    doc: "Pick each retry delay at random in [delay/2, delay] so invocations that failed together do not retry in lockstep.",
  }),
  timeoutMs: durationMsField({
    default: 0,
    doc: "An invocation running (or paused) longer than this ends TIMED_OUT, its waiters get a TimeoutError and the invocations only it waits for are cancelled; 0 means no limit.",
  }),
  registrationConcurrency: enumField({
    values: ["disabled", "task", "arguments", "keys"],
    default: "disabled",
    doc: "A call while an unfinished invocation of the same scope (task, same arguments, same concurrencyKey) exists returns that invocation.",
  }),
  runningConcurrency: enumField({
    values: ["disabled", "task", "arguments", "keys"],
    default: "disabled",
    doc: "At most one invocation of the same scope is claimed or running at a time; the others wait their turn.",
  }),
  rerouteOnConcurrencyControl: booleanField({
    default: true,
    doc: "An invocation held back by runningConcurrency waits for its turn; false drops it to CONCURRENCY_CONTROLLED_FINAL.",
  }),
  raiseOnDifferentArgs: booleanField({
    default: false,
    doc: "Under registrationConcurrency, a call whose arguments differ from the reused invocation's is refused: nothing is registered, and its registered and result reject with the difference.",
  }),
  callResultCache: booleanField({
    default: false,
    doc: "A call identical to one that already succeeded (and is still kept) returns that invocation and its result without running again.",
  }),
} as const satisfies Schema;

export type TaskConfigValues = ValuesOf<typeof TASK_FIELDS>;
export type TaskConfigField = keyof TaskConfigValues;
