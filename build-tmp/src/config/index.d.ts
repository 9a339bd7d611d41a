export { AppConfig, type AppCodeOptions, type ConfigLoadOptions } from "./config.js";
export { TaskConfig, type TaskConfigOptions } from "./task-config.js";
export type { ChangeListener, ConfigRow } from "./resolved-config.js";
export { ConfigSource } from "./resolve.js";
export { APP_FIELDS, TASK_FIELDS, type AppConfigField, type AppConfigValues, type TaskConfigField, type TaskConfigValues, } from "./schema.js";
export { FieldKind, type FieldDef } from "./field.js";
export { envVarName, taskEnvSegment, taskEnvVarName } from "./naming.js";
