/**
 * The app's configuration, resolved once at start-up with the precedence (lowest first)
 * defaults < config file < constructor options < environment < assignment (`app.conf.x = ...`).
 */
import { loadConfigFile } from "./config-file.js";
import { appEnvLayer, envWarnings, snapshotEnv } from "./env-source.js";
import { objectLayer, resolveEntries, throwProblems, unknownKeys } from "./resolve.js";
import { withFieldProperties } from "./resolved-config.js";
import { APP_FIELDS, TASK_FIELDS } from "./schema.js";
import { fileTaskProblems, resolveTaskConfig, } from "./task-config.js";
const CODE_ORIGIN = "constructor options";
// Annotated so declarations and editor hovers show `AppConfigValues`, not the expanded schema.
const AppConfigBase = withFieldProperties(APP_FIELDS);
export class AppConfig extends AppConfigBase {
    #file;
    #env;
    constructor(entries, file, env) {
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
    static load(codeOptions = {}, opts = {}) {
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
    taskConfig(taskId, codeOptions = {}, options) {
        return resolveTaskConfig(taskId, codeOptions, { file: this.#file, env: this.#env }, options);
    }
}
//# sourceMappingURL=config.js.map