import { type ConfigClass } from "./resolved-config.js";
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
declare const AppConfigBase: ConfigClass<AppConfigValues>;
export declare class AppConfig extends AppConfigBase {
    #private;
    private constructor();
    /** Reads file and environment, validates everything and throws one ConfigError listing all problems. */
    static load(codeOptions?: AppCodeOptions, opts?: ConfigLoadOptions): AppConfig;
    /** The settings of one task: its `app.task()` options over the file's section, under env. */
    taskConfig(taskId: string, codeOptions?: Readonly<Record<string, unknown>>, options?: TaskConfigOptions): TaskConfig;
}
export {};
