import { parseLogFormat, parseLogLevel, type LogFormat, type LogMethodLevel } from "./levels.js";
import { createFailureReporter, type FailureReporter } from "./failure-notice.js";
import { formatJsonLine } from "./format-json.js";
import { formatTextLine } from "./format-text.js";
import type { LogContext, LogFields, LoggerOptions, StreamLogger } from "./logger.js";
import { RootScopedLogger, type LogSink } from "./scoped-logger.js";

/** The built-in logger: one line per event to a stream (stderr by default), as text or JSON. */
export function createLogger(options: LoggerOptions): StreamLogger {
  const stream = options.stream ?? process.stderr;
  const sink = new StreamSink(
    stream,
    options.name,
    parseLogFormat(options.format, "format"),
    options.colors ?? detectColors(stream),
    options.now ?? (() => new Date()),
  );
  return new StreamRootLogger(sink, parseLogLevel(options.level, "level"));
}

/** Colours only for a terminal, and never when the user asked for none (https://no-color.org). */
export function detectColors(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): boolean {
  const isTTY = (stream as { isTTY?: unknown }).isTTY === true;
  return isTTY && (env["NO_COLOR"] === undefined || env["NO_COLOR"] === "");
}

class StreamRootLogger extends RootScopedLogger implements StreamLogger {
  constructor(
    private readonly streamSink: StreamSink,
    level: LoggerOptions["level"],
  ) {
    super(streamSink, level);
  }

  get format(): LogFormat {
    return this.streamSink.format;
  }

  setFormat(format: LogFormat): void {
    this.streamSink.format = parseLogFormat(format, "format");
  }
}

class StreamSink implements LogSink {
  threshold = 0;
  private readonly reportFailure: FailureReporter;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly name: string,
    public format: LogFormat,
    private readonly colors: boolean,
    private readonly now: () => Date,
  ) {
    this.reportFailure = createFailureReporter(name);
    guardStream(stream, this.reportFailure);
  }

  write(
    level: LogMethodLevel,
    msg: string,
    context: Readonly<LogContext>,
    fields: LogFields | undefined,
  ): void {
    try {
      // Writing to an ended stream fails asynchronously; checking first keeps the failure ours to handle.
      if (this.stream.writable === false) throw new Error("the log stream is closed");
      const record = { time: this.now(), level, logger: this.name, msg, context, fields };
      const line = this.format === "json" ? formatJsonLine(record) : formatTextLine(record, this.colors);
      this.stream.write(line + "\n");
    } catch (error) {
      this.reportFailure(error);
    }
  }
}

const guardedStreams = new WeakSet<object>();

/** An `error` event with no listener would crash the process; one listener per stream is enough. */
function guardStream(stream: NodeJS.WritableStream, reportFailure: FailureReporter): void {
  if (guardedStreams.has(stream) || typeof stream.on !== "function") return;
  guardedStreams.add(stream);
  stream.on("error", reportFailure);
}
