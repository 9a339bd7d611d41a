/**
 * Finding and reading the config file: the one `TYNENC__CONFIG_FILEPATH` names, else the first of
 * tynenc.config.json / .yaml / .yml in the working directory, else the "tynenc" key of package.json.
 */
import { readFileSync } from "node:fs";
import { basename, extname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../errors/errors.js";
import { CONFIG_FILEPATH_ENV } from "./naming.js";
export const CONFIG_FILE_NAMES = ["tynenc.config.json", "tynenc.config.yaml", "tynenc.config.yml"];
/** Key of a config file (and of package.json#tynenc) holding per-task settings by task id. */
export const TASKS_KEY = "tasks";
export function loadConfigFile(env, cwd) {
    const named = env[CONFIG_FILEPATH_ENV];
    if (named)
        return loadNamedFile(resolve(cwd, named));
    for (const name of CONFIG_FILE_NAMES) {
        const path = resolve(cwd, name);
        const text = readIfExists(path);
        if (text !== undefined)
            return fromText(path, text);
    }
    return fromPackageJson(resolve(cwd, "package.json"));
}
function loadNamedFile(path) {
    const text = readIfExists(path);
    if (text === undefined) {
        throw new ConfigError(`Config file ${path} named by ${CONFIG_FILEPATH_ENV} does not exist.`);
    }
    if (basename(path) === "package.json") {
        return fromPackageJson(path) ?? fromRoot({}, packageOrigin(path), `${path}#tynenc`);
    }
    return fromText(path, text);
}
function readIfExists(path) {
    try {
        return readFileSync(path, "utf8");
    }
    catch (error) {
        if (error.code === "ENOENT")
            return undefined;
        throw new ConfigError(`Cannot read config file ${path}: ${error.message}`, { cause: error });
    }
}
function fromText(path, text) {
    const ext = extname(path).toLowerCase();
    if (ext !== ".json" && ext !== ".yaml" && ext !== ".yml") {
        throw new ConfigError(`Config file ${path} has an unsupported extension "${ext}": use .json, .yaml or .yml.`);
    }
    const root = parseText(path, text, ext === ".json" ? "json" : "yaml");
    return fromRoot(root, `config file ${path}`, path);
}
function parseText(path, text, format) {
    try {
        return format === "json" ? JSON.parse(text) : parseYaml(text);
    }
    catch (error) {
        const what = format === "json" ? "JSON" : "YAML";
        throw new ConfigError(`Config file ${path} is not valid ${what}: ${error.message}`, {
            cause: error,
        });
    }
}
function packageOrigin(path) {
    return `the "tynenc" key of ${path}`;
}
function fromPackageJson(path) {
    const text = readIfExists(path);
    if (text === undefined)
        return undefined;
    const pkg = parseText(path, text, "json");
    if (!isPlainObject(pkg) || !Object.hasOwn(pkg, "tynenc"))
        return undefined;
    return fromRoot(pkg["tynenc"], packageOrigin(path), `${path}#tynenc`);
}
function fromRoot(root, origin, detail) {
    // An empty YAML file parses to null: treat it as a file that sets nothing.
    const settings = root ?? {};
    if (!isPlainObject(settings)) {
        throw new ConfigError(`${capitalize(origin)} must hold an object of settings, not ${typeName(root)}.`);
    }
    const { [TASKS_KEY]: tasks = {}, ...app } = settings;
    return { detail, origin, app, tasks: readTasks(origin, tasks) };
}
function readTasks(origin, tasks) {
    const where = `"${TASKS_KEY}" in ${origin}`;
    if (!isPlainObject(tasks)) {
        throw new ConfigError(`${capitalize(where)} must map task ids to objects of settings.`);
    }
    for (const [taskId, settings] of Object.entries(tasks)) {
        if (!isPlainObject(settings)) {
            throw new ConfigError(`Settings of task "${taskId}" in ${where} must be an object, not ${typeName(settings)}.`);
        }
    }
    return tasks;
}
export function isPlainObject(value) {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
function typeName(value) {
    if (value === null)
        return "null";
    return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}
function capitalize(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
}
//# sourceMappingURL=config-file.js.map