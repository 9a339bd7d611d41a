/**
 * Settings from environment variables: `TYNENC__<FIELD>` for the app and
 * `TYNENC__TASK__<TASK_ID>__<FIELD>` per task. Unknown `TYNENC__` variables are not errors (the
 * environment is shared with other tools and versions) but come back as warnings for the app to log.
 */
import { ConfigSource, type Layer, type RawSetting } from "./resolve.js";
import type { Schema } from "./schema.js";
import {
  CONFIG_FILEPATH_ENV,
  ENV_PREFIX,
  TASK_ENV_PREFIX,
  closestName,
  envVarName,
  screamingSnake,
  taskEnvVarName,
} from "./naming.js";

export type EnvSnapshot = Readonly<Record<string, string>>;

/**
 * The `TYNENC__` variables, copied once so that every task resolved later sees the environment the
 * app started with. An empty variable counts as unset (`TYNENC__X= node app.js` clears it).
 */
export function snapshotEnv(env: NodeJS.ProcessEnv): EnvSnapshot {
  const copy: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(ENV_PREFIX) && value !== undefined && value !== "") copy[name] = value;
  }
  return copy;
}

function envLayer(env: EnvSnapshot, schema: Schema, varName: (field: string) => string): Layer {
  const settings = new Map<string, RawSetting>();
  for (const field of Object.keys(schema)) {
    const name = varName(field);
    const value = env[name];
    if (value === undefined) continue;
    settings.set(field, { value, detail: name, origin: `environment variable ${name}`, text: true });
  }
  return { source: ConfigSource.env, settings };
}

export function appEnvLayer(env: EnvSnapshot, schema: Schema): Layer {
  return envLayer(env, schema, envVarName);
}

export function taskEnvLayer(env: EnvSnapshot, schema: Schema, taskId: string): Layer {
  return envLayer(env, schema, (field) => taskEnvVarName(taskId, field));
}

/** One warning per `TYNENC__` variable that names no setting (task ids cannot be checked yet). */
export function envWarnings(env: EnvSnapshot, appSchema: Schema, taskSchema: Schema): string[] {
  const appVars = Object.keys(appSchema).map(envVarName);
  const taskFields = Object.keys(taskSchema).map(screamingSnake);
  const warnings: string[] = [];
  for (const name of Object.keys(env)) {
    if (name === CONFIG_FILEPATH_ENV || appVars.includes(name)) continue;
    const problem = name.startsWith(TASK_ENV_PREFIX)
      ? taskVarProblem(name, taskFields)
      : unknownHint(name, [...appVars, CONFIG_FILEPATH_ENV]);
    if (problem !== undefined) warnings.push(`Ignoring environment variable ${name}: ${problem}`);
  }
  return warnings;
}

function unknownHint(name: string, known: readonly string[]): string {
  const guess = closestName(name, known);
  return `tynenc has no such setting${guess ? `; did you mean ${guess}?` : "."}`;
}

/** `TYNENC__TASK__FIB__MAX_RETRIES` -> `{ segment: "FIB", field: "MAX_RETRIES" }`; undefined if malformed. */
export function splitTaskVar(name: string): { segment: string; field: string } | undefined {
  const rest = name.slice(TASK_ENV_PREFIX.length);
  // Field names never hold "__", so the last one separates the task id from the field.
  const split = rest.lastIndexOf("__");
  if (split <= 0) return undefined;
  return { segment: rest.slice(0, split), field: rest.slice(split + 2) };
}

function taskVarProblem(name: string, taskFields: readonly string[]): string | undefined {
  const parts = splitTaskVar(name);
  if (parts === undefined) return `expected ${TASK_ENV_PREFIX}<TASK_ID>__<SETTING>.`;
  const { field } = parts;
  if (taskFields.includes(field)) return undefined;
  const guess = closestName(field, taskFields);
  const hint = guess ? `did you mean ${name.slice(0, name.length - field.length)}${guess}?` : "";
  return `tasks have no setting ${field}${hint ? `; ${hint}` : `; known: ${taskFields.join(", ")}.`}`;
}
