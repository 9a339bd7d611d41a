import { createLogger, type LoggerLike, type LoggerOptions } from "../../src/logging/index.js";

export const FIXED_TIME = "2026-11-26T07:30:01.123Z";
export const fixedNow = (): Date => new Date(FIXED_TIME);

/** A stream stand-in that keeps what was written, synchronously. */
export function memoryStream(isTTY = false): { stream: NodeJS.WritableStream; chunks: string[] } {
  const chunks: string[] = [];
  const stream = {
    isTTY,
    writable: true,
    write(chunk: string): boolean {
      chunks.push(chunk);
      return true;
    },
    on(): unknown {
      return stream;
    },
  };
  return { stream: stream as unknown as NodeJS.WritableStream, chunks };
}

/** A text logger without colours at a fixed time, writing to a memory stream; `options` override. */
export function loggerToMemory(options: Partial<LoggerOptions> & Pick<LoggerOptions, "name" | "level">): {
  logger: ReturnType<typeof createLogger>;
  chunks: string[];
} {
  const { stream, chunks } = memoryStream();
  const logger = createLogger({ format: "text", colors: false, stream, now: fixedNow, ...options });
  return { logger, chunks };
}

export interface RecordedCall {
  level: keyof LoggerLike;
  args: unknown[];
}

/** A user logger (the shape of pino, winston or console) that records its calls. */
export function recordingLogger(): { user: LoggerLike; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const record =
    (level: keyof LoggerLike) =>
    (...args: unknown[]): void => {
      calls.push({ level, args });
    };
  return {
    user: { debug: record("debug"), info: record("info"), warn: record("warn"), error: record("error") },
    calls,
  };
}
