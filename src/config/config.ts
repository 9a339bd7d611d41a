/**
 * The app's configuration, resolved once at start-up with the precedence (lowest first)
 * defaults < config file < constructor options < environment < assignment (`app.conf.x = ...`).
 */
import { loadConfigFile, type ConfigFile } from "./config-file.js";
import { appEnvLayer, envWarnings, snapshotEnv, type EnvSnapshot } from "./env-source.js";
import { objectLayer, resolveEntries, throwProblems, unknownKeys, type Entry } from "./resolve.js";
import { withFieldProperties, type ConfigClass, type ConfigRow } from "./resolved-config.js";
import { APP_FIELDS, TASK_FIELDS, type AppConfigValues } from "./schema.js";
import {
  fileTaskProblems,
  resolveTaskConfig,
  type TaskConfig,
  type TaskConfigOptions,
} from "./task-config.js";
import { unknownTaskWarnings } from "./unknown-tasks.js";

export interface ConfigLoadOptions {
  /** Defaults to `process.env`; read once, at load. */
  env?: NodeJS.ProcessEnv;
  /** Where config files are looked for; defaults to `process.cwd()`. */
  cwd?: string;
  /** Keys of the code options that are not settings (e.g. `logger`) and so are not "unknown". */
  ignoreKeys?: readonly string[];
}

export type AppCodeOptions = Partial<AppConfigValues> & Record<string, unknown>;

const CODE_ORIGIN = "constructor options";

// Annotated so declarations and editor hovers show `AppConfigValues`, not the expanded schema.
const AppConfigBase: ConfigClass<AppConfigValues> = withFieldProperties(APP_FIELDS);

export class AppConfig extends AppConfigBase {
  readonly #file: ConfigFile | undefined;
  readonly #env: EnvSnapshot;
  readonly #tasks = new Map<string, TaskConfig>();

  private constructor(entries: ReadonlyMap<string, Entry>, file: ConfigFile | undefined, env: EnvSnapshot) {
    super({
      schema: APP_FIELDS,
      entries,
      label: (field) => field,
      warnings: envWarnings(env, APP_FIELDS, TASK_FIELDS),
    });
    this.#file = file;
    this.#env = env;
    // A misspelt property (`conf.maxParalelSlots = 2`) then throws instead of silently doing nothing.
    Object.preventExtensions(this);
  }

  /** Reads file and environment, validates everything and throws one ConfigError listing all problems. */
  static load(codeOptions: AppCodeOptions = {}, opts: ConfigLoadOptions = {}): AppConfig {
    const env = snapshotEnv(opts.env ?? process.env);
    const file = loadConfigFile(env, opts.cwd ?? process.cwd());
    const layers = [
      objectLayer("file", APP_FIELDS, file?.app ?? {}, {
        origin: file?.origin ?? "",
        detail: file?.detail ?? "",
      }),
      objectLayer("code", APP_FIELDS, codeOptions, { origin: CODE_ORIGIN, detail: "constructor option" }),
      appEnvLayer(env, APP_FIELDS),
    ];
    const { entries, problems } = resolveEntries(APP_FIELDS, layers, (field) => field);
    throwProblems([
      ...(file ? unknownKeys(Object.keys(file.app), APP_FIELDS, file.origin) : []),
      ...unknownKeys(Object.keys(codeOptions), APP_FIELDS, CODE_ORIGIN, opts.ignoreKeys),
      ...problems,
      ...fileTaskProblems(file),
    ]);
    return new AppConfig(entries, file, env);
  }

  /** The settings of one task: its `app.task()` options over the file's section, under env. */
  taskConfig(
    taskId: string,
    codeOptions: Readonly<Record<string, unknown>> = {},
    options?: TaskConfigOptions,
  ): TaskConfig {
    return resolveTaskConfig(taskId, codeOptions, { file: this.#file, env: this.#env }, options);
  }

  /** Called by the app for each task it registers: its settings are then listed and its id known. */
  addTask(config: TaskConfig): void {
    this.#tasks.set(config.taskId, config);
  }

  /** The resolved settings of every registered task, with their sources, by task id. */
  describeTasks(): Record<string, ConfigRow[]> {
    return Object.fromEntries([...this.#tasks].map(([taskId, config]) => [taskId, config.describe()]));
  }

  /**
   * Task settings in the config file or environment for ids no registered task has (a misspelt id):
   * adds them to `warnings` and returns those not reported before. Tasks register after the config is
   * loaded, so the app calls this when a runner starts.
   */
  checkTaskSettings(): string[] {
    const ids = [...this.#tasks.keys()];
    return this.addWarnings(unknownTaskWarnings(this.#file, this.#env, TASK_FIELDS, ids));
  }
}
