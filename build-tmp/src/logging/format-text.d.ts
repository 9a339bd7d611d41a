import type { LogContext, LogRecord } from "./logger.js";
export declare function formatTextLine(record: LogRecord, colors: boolean): string;
export declare function formatContext(context: Readonly<LogContext>): string;
export declare function shortId(id: string): string;
export declare function formatValue(value: unknown): string;
