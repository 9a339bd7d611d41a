import { CallOptionsError } from "../errors/errors.js";

/**
 * Options of one call, given with `task.with(options)(...args)`. Later per-call options (a priority…)
 * join this object.
 */
export interface CallOptions {
  /** Run no sooner than this many milliseconds after the call (0: as a normal call). */
  readonly delayMs?: number;
  /** Run no sooner than this time (one in the past: as a normal call). */
  readonly runAt?: Date;
}

/** The longest delay accepted: what a Date can still represent from now on is far beyond it. */
const MAX_DELAY_MS = 100 * 365 * 24 * 3600 * 1000;

const KNOWN: readonly string[] = ["delayMs", "runAt"] satisfies (keyof CallOptions)[];

/**
 * Validated call options, ready to give each call its due time. Checked once, at `task.with(...)`,
 * so a bad option fails where it was written, before anything is registered.
 */
export class ResolvedCallOptions {
  private constructor(
    private readonly delayMs: number | undefined,
    private readonly runAtMs: number | undefined,
  ) {}

  static of(taskId: string, options: unknown): ResolvedCallOptions {
    const where = `${taskId}.with(options)`;
    if (typeof options !== "object" || options === null || Array.isArray(options)) {
      throw new CallOptionsError(
        `${where} needs an options object such as { delayMs: 5000 } or { runAt: new Date(...) }, got ${describe(options)}`,
      );
    }
    const given = options as Record<string, unknown>;
    for (const name of Object.keys(given)) {
      if (!KNOWN.includes(name)) {
        throw new CallOptionsError(
          `${where}: unknown option "${name}"; the call options are ${KNOWN.join(", ")} (task settings such as timeoutMs go to app.task(fn, options))`,
        );
      }
    }
    const { delayMs, runAt } = given;
    if (delayMs !== undefined && runAt !== undefined) {
      throw new CallOptionsError(`${where}: give delayMs or runAt, not both`);
    }
    if (delayMs !== undefined) return new ResolvedCallOptions(checkDelay(where, delayMs), undefined);
    if (runAt !== undefined) return new ResolvedCallOptions(undefined, checkRunAt(where, runAt));
    return new ResolvedCallOptions(undefined, undefined);
  }

  /** The epoch ms before which the call must not run, or undefined when it may run at once. */
  dueAt(now: number): number | undefined {
    const dueAt = this.runAtMs ?? (this.delayMs ? now + this.delayMs : undefined);
    return dueAt !== undefined && dueAt > now ? dueAt : undefined;
  }

  /** The options as given, for logs: `delayMs 500` or `runAt 2026-…`. */
  toString(): string {
    if (this.delayMs !== undefined) return `delayMs ${this.delayMs}`;
    if (this.runAtMs !== undefined) return `runAt ${new Date(this.runAtMs).toISOString()}`;
    return "no options";
  }
}

function checkDelay(where: string, delayMs: unknown): number {
  if (typeof delayMs !== "number" || !Number.isFinite(delayMs) || delayMs < 0) {
    throw new CallOptionsError(
      `${where}: delayMs must be a finite number of milliseconds, 0 or more, got ${describe(delayMs)}; for a time of day use runAt: new Date(...)`,
    );
  }
  if (delayMs > MAX_DELAY_MS) {
    throw new CallOptionsError(
      `${where}: delayMs ${delayMs} is more than 100 years; use runAt: new Date(...) for a fixed time`,
    );
  }
  return delayMs;
}

function checkRunAt(where: string, runAt: unknown): number {
  if (!(runAt instanceof Date)) {
    throw new CallOptionsError(
      `${where}: runAt must be a Date, got ${describe(runAt)}; write runAt: new Date(value), or use delayMs for a number of milliseconds`,
    );
  }
  const ms = runAt.getTime();
  if (Number.isNaN(ms)) {
    throw new CallOptionsError(
      `${where}: runAt is an invalid Date (its time is NaN); check the value it was made from`,
    );
  }
  return ms;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === "number" || typeof value === "boolean") return `the ${typeof value} ${value}`;
  if (value instanceof Date) return `the Date ${value.toString()}`;
  if (Array.isArray(value)) return "an array";
  return `a value of type ${typeof value}`;
}
