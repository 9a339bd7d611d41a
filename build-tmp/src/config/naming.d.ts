/**
 * How setting names map to environment variables, and the "did you mean" hint for misspelt names.
 */
export declare const ENV_PREFIX = "TYNENC__";
export declare const CONFIG_FILEPATH_ENV = "TYNENC__CONFIG_FILEPATH";
export declare const TASK_ENV_PREFIX = "TYNENC__TASK__";
/** `maxParallelSlots` -> `MAX_PARALLEL_SLOTS`. */
export declare function screamingSnake(camel: string): string;
/** `maxParallelSlots` -> `TYNENC__MAX_PARALLEL_SLOTS`. */
export declare function envVarName(field: string): string;
/**
 * The task id as it appears in `TYNENC__TASK__<TASK_ID>__<FIELD>`: upper-cased, with every character
 * other than A-Z and 0-9 turned into `_` (`tasks.fibonacci-v2` -> `TASKS_FIBONACCI_V2`). Env names
 * cannot hold most characters a task id may, so ids differing only in those share one variable.
 */
export declare function taskEnvSegment(taskId: string): string;
/** `("fibonacci", "maxRetries")` -> `TYNENC__TASK__FIBONACCI__MAX_RETRIES`. */
export declare function taskEnvVarName(taskId: string, field: string): string;
/** The known name closest to `name`, if it is close enough to be a likely typo. */
export declare function closestName(name: string, known: readonly string[]): string | undefined;
