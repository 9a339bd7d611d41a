import { type AppConfigValues } from "./schema.js";
import { type TaskConfig, type TaskConfigOptions } from "./task-config.js";
export interface ConfigLoadOptions {
    /** Defaults to `process.env`; read once, at load. */
    env?: NodeJS.ProcessEnv;
    /** Where config files are looked for; defaults to `process.cwd()`. */
    cwd?: string;
    /** Keys of the code options that are not settings (e.g. `logger`) and so are not "unknown". */
    ignoreKeys?: readonly string[];
}
export type AppCodeOptions = Partial<AppConfigValues> & Record<string, unknown>;
declare const AppConfig_base: new (init: import("./resolved-config.js").ResolvedConfigInit) => import("./resolved-config.js").ResolvedConfig<import("./schema.js").ValuesOf<{
    readonly appId: import("./field.js").FieldDef<string>;
    readonly backend: import("./field.js").FieldDef<"memory" | "sqlite" | "redis">;
    readonly sqlitePath: import("./field.js").FieldDef<string>;
    readonly redisUrl: import("./field.js").FieldDef<string>;
    readonly runnerCls: import("./field.js").FieldDef<"ThreadRunner" | "MultiThreadRunner" | "ProcessRunner" | "PersistentProcessRunner" | "DummyRunner">;
    readonly maxParallelSlots: import("./field.js").FieldDef<number>;
    readonly loggingLevel: import("./field.js").FieldDef<"debug" | "info" | "warn" | "error" | "silent">;
    readonly logFormat: import("./field.js").FieldDef<"json" | "text">;
    readonly devModeForceSyncTasks: import("./field.js").FieldDef<boolean>;
    readonly stopGraceMs: import("./field.js").FieldDef<number>;
    readonly heartbeatIntervalMs: import("./field.js").FieldDef<number>;
    readonly runnerDeadAfterMs: import("./field.js").FieldDef<number>;
    readonly maxPendingMs: import("./field.js").FieldDef<number>;
}>> & import("./schema.js").ValuesOf<{
    readonly appId: import("./field.js").FieldDef<string>;
    readonly backend: import("./field.js").FieldDef<"memory" | "sqlite" | "redis">;
    readonly sqlitePath: import("./field.js").FieldDef<string>;
    readonly redisUrl: import("./field.js").FieldDef<string>;
    readonly runnerCls: import("./field.js").FieldDef<"ThreadRunner" | "MultiThreadRunner" | "ProcessRunner" | "PersistentProcessRunner" | "DummyRunner">;
    readonly maxParallelSlots: import("./field.js").FieldDef<number>;
    readonly loggingLevel: import("./field.js").FieldDef<"debug" | "info" | "warn" | "error" | "silent">;
    readonly logFormat: import("./field.js").FieldDef<"json" | "text">;
    readonly devModeForceSyncTasks: import("./field.js").FieldDef<boolean>;
    readonly stopGraceMs: import("./field.js").FieldDef<number>;
    readonly heartbeatIntervalMs: import("./field.js").FieldDef<number>;
    readonly runnerDeadAfterMs: import("./field.js").FieldDef<number>;
    readonly maxPendingMs: import("./field.js").FieldDef<number>;
}>;
export declare class AppConfig extends AppConfig_base {
    #private;
    private constructor();
    /** Reads file and environment, validates everything and throws one ConfigError listing all problems. */
    static load(codeOptions?: AppCodeOptions, opts?: ConfigLoadOptions): AppConfig;
    /** The settings of one task: its `app.task()` options over the file's section, under env. */
    taskConfig(taskId: string, codeOptions?: Readonly<Record<string, unknown>>, options?: TaskConfigOptions): TaskConfig;
}
export {};
