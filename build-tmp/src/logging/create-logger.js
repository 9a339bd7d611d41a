import { parseLogFormat, parseLogLevel } from "./levels.js";
import { createFailureReporter } from "./failure-notice.js";
import { formatJsonLine } from "./format-json.js";
import { formatTextLine } from "./format-text.js";
import { RootScopedLogger } from "./scoped-logger.js";
/** The built-in logger: one line per event to a stream (stderr by default), as text or JSON. */
export function createLogger(options) {
    const stream = options.stream ?? process.stderr;
    const sink = new StreamSink(stream, options.name, parseLogFormat(options.format, "format"), options.colors ?? detectColors(stream), options.now ?? (() => new Date()));
    return new StreamRootLogger(sink, parseLogLevel(options.level, "level"));
}
/** Colours only for a terminal, and never when the user asked for none (https://no-color.org). */
export function detectColors(stream, env = process.env) {
    const isTTY = stream.isTTY === true;
    return isTTY && (env["NO_COLOR"] === undefined || env["NO_COLOR"] === "");
}
class StreamRootLogger extends RootScopedLogger {
    streamSink;
    constructor(streamSink, level) {
        super(streamSink, level);
        this.streamSink = streamSink;
    }
    get format() {
        return this.streamSink.format;
    }
    setFormat(format) {
        this.streamSink.format = parseLogFormat(format, "format");
    }
}
class StreamSink {
    stream;
    name;
    format;
    colors;
    now;
    threshold = 0;
    reportFailure;
    constructor(stream, name, format, colors, now) {
        this.stream = stream;
        this.name = name;
        this.format = format;
        this.colors = colors;
        this.now = now;
        this.reportFailure = createFailureReporter(name);
        guardStream(stream, this.reportFailure);
    }
    write(level, msg, context, fields) {
        try {
            // Writing to an ended stream fails asynchronously; checking first keeps the failure ours to handle.
            if (this.stream.writable === false)
                throw new Error("the log stream is closed");
            const record = { time: this.now(), level, logger: this.name, msg, context, fields };
            const line = this.format === "json" ? formatJsonLine(record) : formatTextLine(record, this.colors);
            this.stream.write(line + "\n");
        }
        catch (error) {
            this.reportFailure(error);
        }
    }
}
const guardedStreams = new WeakSet();
/** An `error` event with no listener would crash the process; one listener per stream is enough. */
function guardStream(stream, reportFailure) {
    if (guardedStreams.has(stream) || typeof stream.on !== "function")
        return;
    guardedStreams.add(stream);
    stream.on("error", reportFailure);
}
//# sourceMappingURL=create-logger.js.map