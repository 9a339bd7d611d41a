export { LogLevel, LOG_FORMATS, isLogLevelName, parseLogLevel, parseLogFormat, type LogLevelName, type LogMethodLevel, type LogFormat, } from "./levels.js";
export type { LoggerLike, LogContext, LogFields, Logger, RootLogger, StreamLogger, LoggerOptions, LogRecord, } from "./logger.js";
export { createLogger, detectColors } from "./create-logger.js";
export { adaptLogger } from "./adapt-logger.js";
export { SafeEmitter, type SafeEmitterListener, type Unsubscribe } from "./safe-emitter.js";
export { formatTextLine } from "./format-text.js";
export { formatJsonLine } from "./format-json.js";
