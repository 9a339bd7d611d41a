/**
 * `tynenc status --app <module> [--json] [--limit <n>]`: how many invocations are in each status, the
 * runners with the age of their last heartbeat, and the invocations that have waited longest (neither
 * final nor running).
 */
import { InvalidArgumentError } from "commander";
import type { Tynenc } from "../app.js";
import { STATUS_TABLE, type InvocationStatus } from "../invocation/status.js";
import { addAppOptions, backendLabel, openApp, warnIfProcessLocal, type AppOptions } from "./app-command.js";
import type { CliIo } from "./cli-io.js";
import { formatAge, table } from "./format.js";
import { TynencCommand } from "./tynenc-command.js";

interface StatusOptions extends AppOptions {
  readonly json?: boolean;
  readonly limit: number;
}

export interface RunnerRow {
  runnerId: string;
  cls: string;
  hostname: string;
  pid: number;
  startedAt: number;
  heartbeatAt: number;
  heartbeatAgeMs: number;
  /** Silent for longer than runnerDeadAfterMs: recovery will take its invocations back. */
  dead: boolean;
}

export interface WaitingRow {
  id: string;
  task: string;
  status: InvocationStatus;
  /** When it entered its current status (epoch ms), and how long ago that was. */
  since: number;
  ageMs: number;
}

export interface StatusReport {
  appId: string;
  backend: string;
  /** Which store, for people: `the sqlite backend (/data/jobs.sqlite)`. */
  backendLabel: string;
  counts: Partial<Record<InvocationStatus, number>>;
  total: number;
  runners: RunnerRow[];
  /** How many invocations wait, and the oldest `limit` of them. */
  waitingTotal: number;
  oldestWaiting: WaitingRow[];
}

/** Neither final nor running: queued, claimed, paused, resumed, retrying, parked or being recovered. */
const WAITING = (Object.keys(STATUS_TABLE) as InvocationStatus[]).filter(
  (status) => !STATUS_TABLE[status].final && status !== "RUNNING",
);

async function oldestWaiting(app: Tynenc, limit: number, now: number) {
  const store = app.backend.orchestratorStore;
  const ids = await store.findByStatus(WAITING);
  const records = await store.getStatuses(ids);
  const found = ids.flatMap((id, i) => {
    const record = records[i];
    return record ? [{ id, status: record.status, since: record.at }] : [];
  });
  const oldest = found.sort((a, b) => a.since - b.since).slice(0, limit);
  const invocations = await app.backend.stateBackend.getInvocations(oldest.map((row) => row.id));
  const tasks = new Map(invocations.map((record) => [record.id, record.taskId]));
  const rows = oldest.map((row) => ({ ...row, task: tasks.get(row.id) ?? "?", ageMs: now - row.since }));
  return { total: found.length, rows };
}

export async function statusReport(app: Tynenc, limit: number): Promise<StatusReport> {
  const store = app.backend.orchestratorStore;
  const now = Date.now();
  const counts = await store.countByStatus();
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const runners = (await store.runners()).map((info) => {
    const heartbeatAgeMs = now - info.heartbeatAt;
    return { ...info, heartbeatAgeMs, dead: heartbeatAgeMs > app.conf.runnerDeadAfterMs };
  });
  const waiting = await oldestWaiting(app, limit, now);
  return {
    appId: app.appId,
    backend: app.backend.name,
    backendLabel: backendLabel(app),
    counts,
    total,
    runners,
    waitingTotal: waiting.total,
    oldestWaiting: waiting.rows,
  };
}

function formatReport(report: StatusReport): string {
  const sections = [`app ${report.appId} on ${report.backendLabel}\n`];
  const counts = (Object.keys(STATUS_TABLE) as InvocationStatus[])
    .filter((status) => (report.counts[status] ?? 0) > 0)
    .map((status) => [status, String(report.counts[status])]);
  sections.push(`invocations: ${report.total}\n${counts.length ? table(["status", "count"], counts) : ""}`);
  const runners = report.runners.map((r) => [
    r.runnerId,
    r.cls,
    `${r.hostname}:${r.pid}`,
    `${formatAge(r.heartbeatAgeMs)} ago`,
    r.dead ? "dead" : "alive",
  ]);
  sections.push(
    `runners: ${runners.length}\n${runners.length ? table(["runner", "class", "host:pid", "heartbeat", "state"], runners) : ""}`,
  );
  const waiting = report.oldestWaiting.map((w) => [w.id, w.task, w.status, formatAge(w.ageMs)]);
  const shown = waiting.length < report.waitingTotal ? ` (oldest ${waiting.length})` : "";
  sections.push(
    `waiting: ${report.waitingTotal}${shown}\n${waiting.length ? table(["id", "task", "status", "age"], waiting) : ""}`,
  );
  return sections.join("\n");
}

async function status(options: StatusOptions, io: CliIo): Promise<void> {
  const app = await openApp(options, io);
  try {
    warnIfProcessLocal(app, io);
    const report = await statusReport(app, options.limit);
    io.out(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  } finally {
    await app.close();
  }
}

function positiveInt(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < 1) throw new InvalidArgumentError("Expected an integer >= 1.");
  return n;
}

export function statusCommand(io: CliIo): TynencCommand {
  const command = new TynencCommand("status")
    .summary("invocations by status, runners and their heartbeats, the oldest waiting invocations")
    .description(
      "Show how many invocations of the app are in each status, the runners with the age of their last heartbeat (dead once silent for runnerDeadAfterMs), and the invocations that have waited longest: neither final nor running, by the time they entered their current status.",
    )
    .usage("--app <module> [options]")
    .option("--json", "print the report as JSON")
    .option("--limit <n>", "how many of the oldest waiting invocations to list", positiveInt, 10);
  addAppOptions(command);
  return command.action((options: StatusOptions) => status(options, io));
}
