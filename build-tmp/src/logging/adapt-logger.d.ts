import { type LogLevelName } from "./levels.js";
import type { LoggerLike, RootLogger } from "./logger.js";
/**
 * Wraps a user's logger (pino, winston, console, ...) so tynenc code can use it like its own. Each call
 * becomes `user[level](msg, { logger: name, ...context, ...fields })`. `level` is tynenc's own filter in
 * front of the user's, so hot paths still skip building messages nobody will see; it defaults to `info`.
 */
export declare function adaptLogger(user: LoggerLike, name: string, level?: LogLevelName): RootLogger;
