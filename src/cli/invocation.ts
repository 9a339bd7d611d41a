/**
 * `tynenc invocation <id> --app <module> [--json]`: one invocation through the app's public API
 * (`app.getInvocation(id)`): its task, parent, arguments, status, the due time of a delayed call, the
 * trigger that made it and what fired it, whole history, and its result or error once final.
 */
import type { Tynenc } from "../app.js";
import type { Invocation } from "../invocation/invocation.js";
import type { TriggeredBy, TriggerSource } from "../triggers/trigger-store.js";
import { isFinal, type HistoryEntry, type InvocationStatus } from "../invocation/status.js";
import { addAppOptions, openApp, warnIfProcessLocal, type AppOptions } from "./app-command.js";
import type { CliIo } from "./cli-io.js";
import { formatTime, formatValue, jsonSafe, table } from "./format.js";
import { TynencCommand } from "./tynenc-command.js";

interface InvocationOptions extends AppOptions {
  readonly json?: boolean;
}

export interface InvocationReport {
  id: string;
  task: string;
  parentId: string | null;
  status: InvocationStatus;
  args: readonly unknown[];
  /** A delayed call's due time (ISO 8601): no runner claims it before then. Absent for other calls. */
  runAt?: string;
  /** Present when a trigger made it: the trigger's id and what fired it (several for a composite). */
  triggeredBy?: TriggeredBy;
  history: HistoryEntry[];
  /** Present once final: the value it returned, or the error it ended with. */
  outcome?: { ok: true; result: unknown } | { ok: false; error: unknown };
}

async function outcomeOf(invocation: Invocation<unknown>): Promise<InvocationReport["outcome"]> {
  try {
    return { ok: true, result: await invocation.result };
  } catch (error) {
    return { ok: false, error };
  }
}

export async function invocationReport(app: Tynenc, id: string): Promise<InvocationReport> {
  const invocation = await app.getInvocation(id); // InvocationNotFoundError names the id
  const status = await invocation.status();
  const report: InvocationReport = {
    id,
    task: invocation.task.id,
    parentId: invocation.parentId,
    status,
    args: invocation.args,
    history: await invocation.history(),
  };
  const { dueAt, triggeredBy } = await app.orchestrator.getRecord(id);
  if (dueAt !== undefined) report.runAt = formatTime(dueAt);
  if (triggeredBy !== undefined) report.triggeredBy = triggeredBy;
  // Only a final one: awaiting the result of one that is not would wait for it to finish.
  if (isFinal(status)) report.outcome = await outcomeOf(invocation);
  return report;
}

/** One thing that fired a trigger, in a line. */
function describeSource(source: TriggerSource): string {
  switch (source.kind) {
    case "event":
      return `event ${source.name} (${source.eventId})`;
    case "status":
      return `invocation ${source.invocationId} reached ${source.status}`;
    case "cron":
      return `cron tick ${formatTime(source.at)}`;
  }
}

function formatError(error: unknown): string {
  const text =
    error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : formatValue(error);
  return text.replace(/\n/g, "\n  ");
}

function formatReport(report: InvocationReport): string {
  const fields: [string, string][] = [
    ["id", report.id],
    ["task", report.task],
    ["parent", report.parentId ?? "none (called outside any task)"],
    ["status", report.status],
    ["arguments", formatValue(report.args)],
  ];
  if (report.runAt !== undefined) fields.push(["runs at", `${report.runAt} (delayed call)`]);
  if (report.triggeredBy !== undefined) {
    fields.push(["trigger", report.triggeredBy.triggerId]);
    // One line per source, the values aligned under the first.
    report.triggeredBy.sources.forEach((source, i) =>
      fields.push([i === 0 ? "fired by" : "", describeSource(source)]),
    );
  }
  const outcome = report.outcome;
  if (outcome?.ok) fields.push(["result", formatValue(outcome.result)]);
  const width = Math.max(...fields.map(([name]) => name.length));
  const lines = fields.map(([name, value]) => `${name.padEnd(width)}  ${value.replace(/\n/g, "\n  ")}`);
  if (outcome && !outcome.ok) lines.push(`error\n  ${formatError(outcome.error)}`);
  const history = report.history.map((entry) => [formatTime(entry.at), entry.status, entry.runnerId ?? "-"]);
  return `${lines.join("\n")}\n\nhistory\n${table(["time", "status", "runner"], history)}`;
}

function toJson(report: InvocationReport): string {
  return `${JSON.stringify(jsonSafe(report), null, 2)}\n`;
}

async function show(id: string, options: InvocationOptions, io: CliIo): Promise<void> {
  const app = await openApp(options, io);
  try {
    warnIfProcessLocal(app, io);
    const report = await invocationReport(app, id);
    io.out(options.json ? toJson(report) : formatReport(report));
  } finally {
    await app.close();
  }
}

export function invocationCommand(io: CliIo): TynencCommand {
  const command = new TynencCommand("invocation")
    .summary("one invocation: status, history, arguments, result or error")
    .description(
      "Show one invocation of the app: its task, parent, arguments, status and every status it went through (with the runner and time), and its result or error once it is final.",
    )
    .usage("<id> --app <module> [options]")
    .argument("<id>", "the invocation id (invocation.id, or as `tynenc status` lists it)")
    .option(
      "--json",
      "print JSON ({ id, task, parentId, status, args, runAt?, triggeredBy?, history, outcome })",
    );
  addAppOptions(command);
  return command.action((id: string, options: InvocationOptions) => show(id, options, io));
}
