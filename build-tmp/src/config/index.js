export { AppConfig } from "./config.js";
export { TaskConfig } from "./task-config.js";
export { ConfigSource } from "./resolve.js";
export { APP_FIELDS, TASK_FIELDS, } from "./schema.js";
export { FieldKind } from "./field.js";
export { envVarName, taskEnvSegment, taskEnvVarName } from "./naming.js";
//# sourceMappingURL=index.js.map