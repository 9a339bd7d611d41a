/**
 * The report of `npm run bench:redis`: a table, then one line per comparison for scripts, in the exact
 * form issue #11 gives. Pure functions over the figures, so a test can check them with fake numbers.
 */
import { CONCURRENCIES, type Figures } from "./system.js";

/** Issue #11's targets: tynenc at least as fast on independent jobs, at most half BullMQ's fib time. */
export const TARGET_INDEPENDENT_RATIO = 1;
export const TARGET_FIB_RATIO = 2;

export interface Report {
  readonly bullmq: Figures;
  /** tynenc's figures, or why there are none. */
  readonly tynenc: Figures | { readonly unavailable: string };
}

/** A rate or a time as scripts read it: a whole number, no separators. */
const whole = (value: number): string => Math.round(value).toString();
const ratioText = (ratio: number): string => ratio.toFixed(2);
const latencyText = (l: Figures["latency"]): string =>
  `p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms`;

/** tynenc's speed over BullMQ's: above 1 when tynenc is faster. */
export function rateRatio(tynencPerSecond: number, bullmqPerSecond: number): number {
  return tynencPerSecond / bullmqPerSecond;
}

/** The same for wall times: BullMQ's time over tynenc's. */
export function timeRatio(tynencMs: number, bullmqMs: number): number {
  return bullmqMs / tynencMs;
}

/** The script lines, one per comparison: `vs BullMQ c=8: tynenc 9000 jobs/s, BullMQ 7900 jobs/s, ratio 1.14`. */
export function comparisonLines(tynenc: Figures, bullmq: Figures): string[] {
  const lines = CONCURRENCIES.map((c) => {
    const t = tynenc.independent[c];
    const b = bullmq.independent[c];
    return `vs BullMQ c=${c}: tynenc ${whole(t)} jobs/s, BullMQ ${whole(b)} jobs/s, ratio ${ratioText(rateRatio(t, b))}`;
  });
  const fib = ratioText(timeRatio(tynenc.fib15Ms, bullmq.fib15Ms));
  lines.push(
    `vs BullMQ fib(15): tynenc ${whole(tynenc.fib15Ms)} ms, BullMQ ${whole(bullmq.fib15Ms)} ms, ratio ${fib}`,
  );
  return lines;
}

function row(cells: readonly string[]): string {
  const widths = [34, 18, 18, 8, 16];
  return cells
    .map((cell, at) => cell.padEnd(widths[at] ?? 0))
    .join(" ")
    .trimEnd();
}

const verdict = (ratio: number, target: number): string =>
  `${ratio >= target ? "met" : "NOT met"} (>= ${target.toFixed(1)})`;

/** The side-by-side table; without tynenc, BullMQ's column alone. */
export function tableLines(report: Report): string[] {
  const { bullmq, tynenc } = report;
  const both = "unavailable" in tynenc ? undefined : tynenc;
  const lines = [row(["measurement", "tynenc", "BullMQ", "ratio", "target"])];
  for (const c of CONCURRENCIES) {
    const b = bullmq.independent[c];
    const t = both?.independent[c];
    const ratio = t === undefined ? undefined : rateRatio(t, b);
    lines.push(
      row([
        `10,000 independent jobs, c=${c}`,
        t === undefined ? "-" : `${whole(t)} jobs/s`,
        `${whole(b)} jobs/s`,
        ratio === undefined ? "-" : ratioText(ratio),
        ratio === undefined ? "-" : verdict(ratio, TARGET_INDEPENDENT_RATIO),
      ]),
    );
  }
  const fibRatio = both ? timeRatio(both.fib15Ms, bullmq.fib15Ms) : undefined;
  lines.push(
    row([
      "fib(15), 1,973 jobs, 1 slot",
      both ? `${whole(both.fib15Ms)} ms` : "-",
      `${whole(bullmq.fib15Ms)} ms`,
      fibRatio === undefined ? "-" : ratioText(fibRatio),
      fibRatio === undefined ? "-" : verdict(fibRatio, TARGET_FIB_RATIO),
    ]),
  );
  lines.push(`add -> result, idle worker in another process:`);
  lines.push(`  BullMQ  ${latencyText(bullmq.latency)}`);
  if (both) lines.push(`  tynenc  ${latencyText(both.latency)}`);
  return lines;
}

/** The whole report: the table, then the script lines, or the note that tynenc has no figures yet. */
export function reportLines(report: Report): string[] {
  const lines = tableLines(report);
  lines.push("");
  if ("unavailable" in report.tynenc) lines.push(`tynenc: not available yet (${report.tynenc.unavailable})`);
  else lines.push(...comparisonLines(report.tynenc, report.bullmq));
  return lines;
}

/**
 * `; warm-up …` for a measurement's line (system.ts, BenchRedis.warmUp): one figure is the warm-up's
 * jobs/s, several are the ms of its fib runs; none gives "".
 */
export function warmUpText(figures: readonly number[]): string {
  if (figures.length === 0) return "";
  if (figures.length === 1) return `; warm-up ${figures[0]!.toFixed(0)} jobs/s`;
  return `; warm-up runs ${figures.map((ms) => ms.toFixed(0)).join(", ")} ms`;
}
