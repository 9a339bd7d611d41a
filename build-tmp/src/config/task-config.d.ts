/**
 * Per-task settings, resolved by task id with the app's precedence: defaults < the file's
 * `tasks.<taskId>` section < `app.task(..., options)` < `TYNENC__TASK__<TASK_ID>__<FIELD>`.
 */
import type { ConfigFile } from "./config-file.js";
import { type EnvSnapshot } from "./env-source.js";
import { type Entry, type FieldLabel } from "./resolve.js";
import { type ConfigClass } from "./resolved-config.js";
import { type TaskConfigValues } from "./schema.js";
declare const TaskConfigBase: ConfigClass<TaskConfigValues>;
/** Made by `appConfig.taskConfig(taskId, options)`, which resolves the entries. */
export declare class TaskConfig extends TaskConfigBase {
    readonly taskId: string;
    constructor(taskId: string, entries: ReadonlyMap<string, Entry>);
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
