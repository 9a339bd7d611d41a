/**
 * Task settings for ids no task has: a `tasks.<id>` section of the config file, or a
 * `TYNENC__TASK__<TASK_ID>__<SETTING>` variable. Tasks register after the app's config is loaded, so
 * this runs later, against the ids registered by then (when a runner starts, in `tynenc config show`).
 */
import { TASKS_KEY, type ConfigFile } from "./config-file.js";
import { splitTaskVar, type EnvSnapshot } from "./env-source.js";
import { TASK_ENV_PREFIX, closestName, screamingSnake, taskEnvSegment } from "./naming.js";
import type { Schema } from "./schema.js";

/** How many registered ids a warning lists when it has no close guess. */
const LISTED_IDS = 10;

export function unknownTaskWarnings(
  file: ConfigFile | undefined,
  env: EnvSnapshot,
  taskSchema: Schema,
  taskIds: readonly string[],
): string[] {
  return [...fileWarnings(file, taskIds), ...envWarnings(env, taskSchema, taskIds)];
}

function fileWarnings(file: ConfigFile | undefined, taskIds: readonly string[]): string[] {
  if (file === undefined) return [];
  return Object.keys(file.tasks)
    .filter((id) => !taskIds.includes(id))
    .map((id) => {
      const guess = closestName(id, taskIds);
      const hint = guess === undefined ? registered(taskIds) : `did you mean "${guess}"?`;
      return `Ignoring the settings of task "${id}" under "${TASKS_KEY}" in ${file.origin}: no task has this id; ${hint}`;
    });
}

function envWarnings(env: EnvSnapshot, taskSchema: Schema, taskIds: readonly string[]): string[] {
  const fields = Object.keys(taskSchema).map(screamingSnake);
  // Several ids may share a segment (`a.b` and `a-b`); any of them makes the variable used.
  const idOfSegment = new Map(taskIds.map((id) => [taskEnvSegment(id), id]));
  const warnings: string[] = [];
  for (const name of Object.keys(env)) {
    if (!name.startsWith(TASK_ENV_PREFIX)) continue;
    const parts = splitTaskVar(name);
    // A malformed name or an unknown setting is already a warning of the config load.
    if (parts === undefined || !fields.includes(parts.field) || idOfSegment.has(parts.segment)) continue;
    const guess = closestName(parts.segment, [...idOfSegment.keys()]);
    const hint =
      guess === undefined
        ? registered(taskIds)
        : `did you mean ${TASK_ENV_PREFIX}${guess}__${parts.field} (task "${idOfSegment.get(guess)}")?`;
    warnings.push(
      `Ignoring environment variable ${name}: no task id maps to ${parts.segment} (ids are upper-cased, other characters than A-Z and 0-9 become _); ${hint}`,
    );
  }
  return warnings;
}

function registered(taskIds: readonly string[]): string {
  if (taskIds.length === 0) return "no task is registered yet.";
  const more = taskIds.length > LISTED_IDS ? `, … (${taskIds.length} in all)` : "";
  return `registered tasks: ${taskIds.slice(0, LISTED_IDS).join(", ")}${more}.`;
}
