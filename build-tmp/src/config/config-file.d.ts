export declare const CONFIG_FILE_NAMES: readonly ["tynenc.config.json", "tynenc.config.yaml", "tynenc.config.yml"];
/** Key of a config file (and of package.json#tynenc) holding per-task settings by task id. */
export declare const TASKS_KEY = "tasks";
export type Settings = Record<string, unknown>;
export interface ConfigFile {
    /** Shown as the source detail: the file path, with `#tynenc` for package.json. */
    readonly detail: string;
    /** How error messages name the file. */
    readonly origin: string;
    readonly app: Settings;
    readonly tasks: Readonly<Record<string, Settings>>;
}
export declare function loadConfigFile(env: NodeJS.ProcessEnv, cwd: string): ConfigFile | undefined;
export declare function isPlainObject(value: unknown): value is Settings;
