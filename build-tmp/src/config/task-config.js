import { taskEnvLayer } from "./env-source.js";
import { closestName } from "./naming.js";
import { objectLayer, resolveEntries, throwProblems, unknownKeys, } from "./resolve.js";
import { withFieldProperties } from "./resolved-config.js";
import { TASK_FIELDS } from "./schema.js";
const TaskConfigBase = withFieldProperties(TASK_FIELDS);
/** Made by `appConfig.taskConfig(taskId, options)`, which resolves the entries. */
export class TaskConfig extends TaskConfigBase {
    taskId;
    constructor(taskId, entries) {
        super({ schema: TASK_FIELDS, entries, label: taskLabel(taskId) });
        this.taskId = taskId;
        // A misspelt property (`conf.maxRetires = 1`) then throws instead of silently doing nothing.
        Object.preventExtensions(this);
    }
}
export function taskLabel(taskId) {
    return (field) => `${field} of task "${JSON.stringify(taskId).slice(1, -1)}"`;
}
/** Problems in the file's `tasks` sections, found at start-up even for tasks not registered yet. */
export function fileTaskProblems(file) {
    if (file === undefined)
        return [];
    return Object.entries(file.tasks).flatMap(([taskId, settings]) => {
        const origin = `task "${taskId}" of ${file.origin}`;
        const layer = objectLayer("file", TASK_FIELDS, settings, { origin, detail: file.detail });
        const { problems } = resolveEntries(TASK_FIELDS, [layer], taskLabel(taskId));
        return [...unknownKeys(Object.keys(settings), TASK_FIELDS, origin), ...problems];
    });
}
export function resolveTaskConfig(taskId, codeOptions, sources, options = {}) {
    const fileSettings = sources.file?.tasks[taskId] ?? {};
    const fileWhere = {
        origin: `task "${taskId}" of ${sources.file?.origin}`,
        detail: sources.file?.detail ?? "",
    };
    const codeWhere = { origin: `app.task() options of "${taskId}"`, detail: "app.task() option" };
    const layers = [
        objectLayer("file", TASK_FIELDS, fileSettings, fileWhere),
        objectLayer("code", TASK_FIELDS, codeOptions, codeWhere),
        taskEnvLayer(sources.env, TASK_FIELDS, taskId),
    ];
    const { entries, problems } = resolveEntries(TASK_FIELDS, layers, taskLabel(taskId));
    throwProblems([...likelyTypos(codeOptions, options.ignoreKeys ?? [], codeWhere.origin), ...problems]);
    return new TaskConfig(taskId, entries);
}
// Task options mix settings with other options (name, concurrencyKey, ...), so only keys that look
// like a misspelt setting are rejected.
function likelyTypos(codeOptions, ignore, origin) {
    const fields = Object.keys(TASK_FIELDS);
    const suspects = Object.keys(codeOptions).filter((key) => !ignore.includes(key) && !fields.includes(key) && closestName(key, fields) !== undefined);
    return unknownKeys(suspects, TASK_FIELDS, origin);
}
//# sourceMappingURL=task-config.js.map