import { ConfigError } from "../errors/index.js";
/** Severity thresholds; a logger set to a level emits that level and everything above it. */
export const LogLevel = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
export const LOG_FORMATS = ["text", "json"];
export function isLogLevelName(value) {
    return typeof value === "string" && Object.hasOwn(LogLevel, value);
}
/** Checks a level coming from configuration, where a typo should fail loudly rather than log nothing. */
export function parseLogLevel(value, option = "loggingLevel") {
    if (isLogLevelName(value))
        return value;
    const allowed = Object.keys(LogLevel).join(", ");
    throw new ConfigError(`${option} must be one of ${allowed}; got ${JSON.stringify(value) ?? String(value)}.`);
}
export function parseLogFormat(value, option = "loggingFormat") {
    if (value === "text" || value === "json")
        return value;
    throw new ConfigError(`${option} must be "text" or "json"; got ${JSON.stringify(value) ?? String(value)}.`);
}
//# sourceMappingURL=levels.js.map