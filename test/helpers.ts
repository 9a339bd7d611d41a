import { Tynenc, type TynencOptions } from "../src/index.js";
import type { LoggerLike } from "../src/logging/index.js";

export interface CapturedLine {
  readonly level: string;
  readonly msg: string;
  readonly fields: Record<string, unknown>;
}

/** A user logger that keeps every line, for asserting on what the engine says. */
export function captureLogger(): LoggerLike & { lines: CapturedLine[] } {
  const lines: CapturedLine[] = [];
  const push = (level: string) => (msg: string, fields?: unknown) =>
    lines.push({ level, msg, fields: (fields ?? {}) as Record<string, unknown> });
  return { lines, debug: push("debug"), info: push("info"), warn: push("warn"), error: push("error") };
}

/** An app for one test: quiet unless asked, ThreadRunner, short stop grace. */
export function testApp(options: TynencOptions = {}): Tynenc {
  return new Tynenc({
    appId: "test",
    loggingLevel: "error",
    maxParallelSlots: 1,
    stopGraceMs: 200,
    logger: options.logger ?? captureLogger(),
    ...options,
  });
}

/** Runs `body` with the app's runner started, and always stops it. */
export async function withRunner<T>(app: Tynenc, body: () => Promise<T>): Promise<T> {
  const loop = app.runner.run();
  try {
    return await body();
  } finally {
    await app.runner.stop();
    await loop;
  }
}
