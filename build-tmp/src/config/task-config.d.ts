/**
 * Per-task settings, resolved by task id with the app's precedence: defaults < the file's
 * `tasks.<taskId>` section < `app.task(..., options)` < `TYNENC__TASK__<TASK_ID>__<FIELD>`.
 */
import type { ConfigFile } from "./config-file.js";
import { type EnvSnapshot } from "./env-source.js";
import { resolveEntries, type FieldLabel } from "./resolve.js";
declare const TaskConfig_base: new (init: import("./resolved-config.js").ResolvedConfigInit) => import("./resolved-config.js").ResolvedConfig<import("./schema.js").ValuesOf<{
    readonly maxRetries: import("./field.js").FieldDef<number>;
}>> & import("./schema.js").ValuesOf<{
    readonly maxRetries: import("./field.js").FieldDef<number>;
}>;
export declare class TaskConfig extends TaskConfig_base {
    readonly taskId: string;
    constructor(taskId: string, entries: ReturnType<typeof resolveEntries>["entries"]);
}
export declare function taskLabel(taskId: string): FieldLabel;
export interface TaskSources {
    readonly file: ConfigFile | undefined;
    readonly env: EnvSnapshot;
}
export interface TaskConfigOptions {
    /** Option keys of `app.task` that are known not to be settings; others near a setting's name fail. */
    readonly ignoreKeys?: readonly string[];
}
/** Problems in the file's `tasks` sections, found at start-up even for tasks not registered yet. */
export declare function fileTaskProblems(file: ConfigFile | undefined): string[];
export declare function resolveTaskConfig(taskId: string, codeOptions: Readonly<Record<string, unknown>>, sources: TaskSources, options?: TaskConfigOptions): TaskConfig;
export {};
