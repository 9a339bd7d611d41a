import type { LoggerOptions, StreamLogger } from "./logger.js";
/** The built-in logger: one line per event to a stream (stderr by default), as text or JSON. */
export declare function createLogger(options: LoggerOptions): StreamLogger;
/** Colours only for a terminal, and never when the user asked for none (https://no-color.org). */
export declare function detectColors(stream: NodeJS.WritableStream, env?: NodeJS.ProcessEnv): boolean;
