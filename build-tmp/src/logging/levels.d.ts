/** Severity thresholds; a logger set to a level emits that level and everything above it. */
export declare const LogLevel: {
    readonly debug: 10;
    readonly info: 20;
    readonly warn: 30;
    readonly error: 40;
    readonly silent: 100;
};
export type LogLevelName = keyof typeof LogLevel;
/** The levels one can log at: `silent` is only a threshold. */
export type LogMethodLevel = Exclude<LogLevelName, "silent">;
export declare const LOG_FORMATS: readonly ["text", "json"];
export type LogFormat = (typeof LOG_FORMATS)[number];
export declare function isLogLevelName(value: unknown): value is LogLevelName;
/** Checks a level coming from configuration, where a typo should fail loudly rather than log nothing. */
export declare function parseLogLevel(value: unknown, option?: string): LogLevelName;
export declare function parseLogFormat(value: unknown, option?: string): LogFormat;
