/**
 * How setting names map to environment variables, and the "did you mean" hint for misspelt names.
 */
export const ENV_PREFIX = "TYNENC__";
export const CONFIG_FILEPATH_ENV = `${ENV_PREFIX}CONFIG_FILEPATH`;
export const TASK_ENV_PREFIX = `${ENV_PREFIX}TASK__`;
/** `maxParallelSlots` -> `MAX_PARALLEL_SLOTS`. */
export function screamingSnake(camel) {
    return camel.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}
/** `maxParallelSlots` -> `TYNENC__MAX_PARALLEL_SLOTS`. */
export function envVarName(field) {
    return ENV_PREFIX + screamingSnake(field);
}
/**
 * The task id as it appears in `TYNENC__TASK__<TASK_ID>__<FIELD>`: upper-cased, with every character
 * other than A-Z and 0-9 turned into `_` (`tasks.fibonacci-v2` -> `TASKS_FIBONACCI_V2`). Env names
 * cannot hold most characters a task id may, so ids differing only in those share one variable.
 */
export function taskEnvSegment(taskId) {
    return taskId.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}
/** `("fibonacci", "maxRetries")` -> `TYNENC__TASK__FIBONACCI__MAX_RETRIES`. */
export function taskEnvVarName(taskId, field) {
    return `${TASK_ENV_PREFIX}${taskEnvSegment(taskId)}__${screamingSnake(field)}`;
}
// Case, '_' and '-' do not matter when comparing: `max_parallel_slots` means maxParallelSlots.
function normalize(name) {
    return name.toLowerCase().replace(/[_-]/g, "");
}
function editDistance(a, b) {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
            current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
        }
        previous = current;
    }
    return previous[b.length] ?? 0;
}
/** The known name closest to `name`, if it is close enough to be a likely typo. */
export function closestName(name, known) {
    const wanted = normalize(name);
    const limit = Math.max(2, Math.ceil(wanted.length / 3));
    let best;
    for (const candidate of known) {
        const distance = editDistance(wanted, normalize(candidate));
        if (distance <= limit && (best === undefined || distance < best.distance)) {
            best = { name: candidate, distance };
        }
    }
    return best?.name;
}
//# sourceMappingURL=naming.js.map