import { Cron } from "croner";

/**
 * The ticks of one cron expression (croner): 5 fields, or 6 with seconds first; UTC unless a timezone
 * is given. Ticks are epoch ms.
 */
export class CronSchedule {
  private readonly cron: Cron;

  /** Throws an Error saying what is wrong with `expression` or `timezone`. */
  constructor(
    readonly expression: string,
    readonly timezone: string | undefined,
  ) {
    const fields = expression.trim().split(/\s+/).length;
    if (fields !== 5 && fields !== 6) {
      throw new Error(
        `it has ${fields} field(s); give 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)`,
      );
    }
    if (timezone !== undefined) checkTimezone(timezone);
    // croner reads unset fields as local time: UTC is explicit.
    this.cron = new Cron(expression, { paused: true, timezone: timezone ?? "UTC" });
    if (this.cron.nextRun(new Date(0)) === null) throw new Error("it never fires");
  }

  /** The first tick strictly after `after`, or null if there is none. */
  next(after: number): number | null {
    return this.cron.nextRun(new Date(after))?.getTime() ?? null;
  }

  /** The ticks in (`after`, `upTo`], at most the `max` latest, oldest first. */
  missed(after: number, upTo: number, max: number): number[] {
    if (max <= 0) return [];
    // croner's reference is exclusive, to the second: ask from a second later, then keep (after, upTo].
    const ticks = this.cron
      .previousRuns(max + 1, new Date(upTo + 1000))
      .map((d) => d.getTime())
      .filter((t) => t > after && t <= upTo);
    return ticks.sort((a, b) => a - b).slice(-max);
  }
}

function checkTimezone(timezone: string): void {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
  } catch {
    throw new Error(`timezone "${timezone}" is not an IANA time zone name (e.g. "Europe/Paris", "UTC")`);
  }
}
