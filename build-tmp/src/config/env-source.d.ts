/**
 * Settings from environment variables: `TYNENC__<FIELD>` for the app and
 * `TYNENC__TASK__<TASK_ID>__<FIELD>` per task. Unknown `TYNENC__` variables are not errors (the
 * environment is shared with other tools and versions) but come back as warnings for the app to log.
 */
import { type Layer } from "./resolve.js";
import type { Schema } from "./schema.js";
export type EnvSnapshot = Readonly<Record<string, string>>;
/**
 * The `TYNENC__` variables, copied once so that every task resolved later sees the environment the
 * app started with. An empty variable counts as unset (`TYNENC__X= node app.js` clears it).
 */
export declare function snapshotEnv(env: NodeJS.ProcessEnv): EnvSnapshot;
export declare function appEnvLayer(env: EnvSnapshot, schema: Schema): Layer;
export declare function taskEnvLayer(env: EnvSnapshot, schema: Schema, taskId: string): Layer;
/** One warning per `TYNENC__` variable that names no setting (task ids cannot be checked yet). */
export declare function envWarnings(env: EnvSnapshot, appSchema: Schema, taskSchema: Schema): string[];
