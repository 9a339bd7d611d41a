export { LogLevel, LOG_FORMATS, isLogLevelName, parseLogLevel, parseLogFormat, } from "./levels.js";
export { createLogger, detectColors } from "./create-logger.js";
export { adaptLogger } from "./adapt-logger.js";
export { SafeEmitter } from "./safe-emitter.js";
export { formatTextLine } from "./format-text.js";
export { formatJsonLine } from "./format-json.js";
//# sourceMappingURL=index.js.map