import { LogLevel, parseLogLevel } from "./levels.js";
export const EMPTY_CONTEXT = Object.freeze({});
/** The `Logger` every tynenc component holds: a context plus a pointer to its tree's sink. */
export class ScopedLogger {
    sink;
    context;
    constructor(sink, context) {
        this.sink = sink;
        this.context = context;
    }
    // Each method is one comparison when its level is off, so debug calls on hot paths cost next to nothing.
    debug(msg, fields) {
        if (LogLevel.debug >= this.sink.threshold)
            this.sink.write("debug", msg, this.context, fields);
    }
    info(msg, fields) {
        if (LogLevel.info >= this.sink.threshold)
            this.sink.write("info", msg, this.context, fields);
    }
    warn(msg, fields) {
        if (LogLevel.warn >= this.sink.threshold)
            this.sink.write("warn", msg, this.context, fields);
    }
    error(msg, fields) {
        if (LogLevel.error >= this.sink.threshold)
            this.sink.write("error", msg, this.context, fields);
    }
    isEnabled(level) {
        return level !== "silent" && LogLevel[level] >= this.sink.threshold;
    }
    child(context) {
        return new ScopedLogger(this.sink, mergeContext(this.context, context));
    }
}
/** The child's keys win; an `undefined` value is skipped so it cannot erase the parent's. */
export function mergeContext(parent, child) {
    const merged = { ...parent };
    for (const key in child) {
        const value = child[key];
        if (value !== undefined)
            merged[key] = value;
    }
    return merged;
}
/** A root: the one place that may change the tree's level. */
export class RootScopedLogger extends ScopedLogger {
    #level;
    constructor(sink, level) {
        super(sink, EMPTY_CONTEXT);
        this.#level = level;
        sink.threshold = LogLevel[level];
    }
    get level() {
        return this.#level;
    }
    /** Throws a `ConfigError` for an unknown name rather than silently logging nothing. */
    setLevel(level) {
        this.#level = parseLogLevel(level, "level");
        this.sink.threshold = LogLevel[this.#level];
    }
}
//# sourceMappingURL=scoped-logger.js.map