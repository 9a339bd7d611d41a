import { type FieldDef, type FieldTypeOf } from "./field.js";
export type Schema = Readonly<Record<string, FieldDef<unknown>>>;
/** The plain values object a schema describes, e.g. `{ appId: string; backend: "memory" | ... }`. */
export type ValuesOf<S extends Schema> = {
    -readonly [K in keyof S]: FieldTypeOf<S[K]>;
};
export declare const APP_FIELDS: {
    readonly appId: FieldDef<string>;
    readonly backend: FieldDef<"memory" | "sqlite" | "redis">;
    readonly sqlitePath: FieldDef<string>;
    readonly redisUrl: FieldDef<string>;
    readonly runnerCls: FieldDef<"ThreadRunner" | "MultiThreadRunner" | "ProcessRunner" | "PersistentProcessRunner" | "DummyRunner">;
    readonly maxParallelSlots: FieldDef<number>;
    readonly loggingLevel: FieldDef<"debug" | "info" | "warn" | "error" | "silent">;
    readonly logFormat: FieldDef<"json" | "text">;
    readonly devModeForceSyncTasks: FieldDef<boolean>;
    readonly stopGraceMs: FieldDef<number>;
    readonly heartbeatIntervalMs: FieldDef<number>;
    readonly runnerDeadAfterMs: FieldDef<number>;
    readonly maxPendingMs: FieldDef<number>;
};
export type AppConfigValues = ValuesOf<typeof APP_FIELDS>;
export type AppConfigField = keyof AppConfigValues;
/** Settings resolved per task id, from `app.task(..., options)`, a file's `tasks` section and env. */
export declare const TASK_FIELDS: {
    readonly maxRetries: FieldDef<number>;
};
export type TaskConfigValues = ValuesOf<typeof TASK_FIELDS>;
export type TaskConfigField = keyof TaskConfigValues;
