/**
 * `tynenc config show [--app <module>] [--json]`: every setting, its value and where it came from.
 * Without --app the config comes from the working directory and environment alone; with it, from
 * the app the module exports, so constructor options, assignments made at import and the settings of
 * each task it registers show too, and task settings for ids it has no task for are warned about.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { AppConfig } from "../config/config.js";
import { TynencError } from "../errors/errors.js";
import type { CliIo, Command } from "./main.js";

interface ShowArgs {
  app?: string;
  json: boolean;
  help: boolean;
}

interface Row {
  field: string;
  value: unknown;
  source: string;
  detail: string;
}

/** What --app must export as `app.conf` (duck-typed: any AppConfig, even from another copy of tynenc). */
interface Describable {
  describe(): Row[];
  warnings?: readonly string[];
  describeTasks?(): Record<string, Row[]>;
  /** Task settings for ids no task has: known only once the module registered its tasks. */
  checkTaskSettings?(): string[];
}

const SYNOPSIS = "[--app <module>] [--json]";
const USAGE = `Usage: tynenc config show ${SYNOPSIS}

  --app <module>  module (path relative to the working directory) exporting \`app\` or a default app;
                  its tasks' settings are listed too, and settings for task ids it lacks are warned about
  --json          print JSON ({ fields, tasks, warnings }) instead of a table
`;

function parseArgs(args: readonly string[]): ShowArgs | string {
  const parsed: ShowArgs = { json: false, help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--json") parsed.json = true;
    else if (arg === "--help" || arg === "-h") parsed.help = true;
    else if (arg.startsWith("--app=")) parsed.app = arg.slice("--app=".length);
    else if (arg === "--app") {
      const value = args[++i];
      if (value === undefined || value.startsWith("--")) return "--app needs a module path";
      parsed.app = value;
    } else return `unknown argument "${arg}"`;
  }
  return parsed;
}

function isDescribable(value: unknown): value is Describable {
  return typeof (value as Partial<Describable> | null | undefined)?.describe === "function";
}

/** The app's conf, or what went wrong (a TynencError thrown while importing, e.g. bad config, propagates). */
async function importApp(modulePath: string, io: CliIo): Promise<Describable | string> {
  const url = pathToFileURL(resolve(io.cwd, modulePath)).href;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TynencError) throw error;
    const hint =
      (error as { code?: string }).code === "ERR_UNKNOWN_FILE_EXTENSION"
        ? "; Node cannot load TypeScript by itself: run the CLI through tsx (npx tsx node_modules/tynenc/dist/cli/main.js ...) or point --app at the compiled .js module"
        : "";
    return `cannot import app module ${modulePath}: ${(error as Error).message}${hint}`;
  }
  const app = (mod["app"] ?? mod["default"]) as { conf?: unknown } | undefined;
  if (!isDescribable(app?.conf)) {
    return `${modulePath} must export \`app\` (or a default export) whose \`conf\` has describe()`;
  }
  return app.conf;
}

function formatValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function formatTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => [r.field, formatValue(r.value), r.source, r.detail ? `(${r.detail})` : ""]);
  const all = [["field", "value", "source", "detail"], ...cells];
  const widths = [0, 1, 2].map((col) => Math.max(...all.map((line) => (line[col] ?? "").length)));
  const lines = all.map((line) =>
    line
      .map((cell, col) => cell.padEnd(widths[col] ?? 0))
      .join("  ")
      .trimEnd(),
  );
  return `${lines.join("\n")}\n`;
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === "string") {
    io.err(`tynenc config show: ${parsed}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    io.out(USAGE);
    return 0;
  }
  const conf = parsed.app
    ? await importApp(parsed.app, io)
    : AppConfig.load({}, { env: io.env, cwd: io.cwd });
  if (typeof conf === "string") {
    io.err(`tynenc config show: ${conf}\n`);
    return 1;
  }
  if (parsed.app) conf.checkTaskSettings?.();
  const rows = conf.describe();
  const tasks = conf.describeTasks?.() ?? {};
  const warnings = [...(conf.warnings ?? [])];
  if (parsed.json) {
    io.out(`${JSON.stringify({ fields: rows, tasks, warnings }, null, 2)}\n`);
  } else {
    io.out(formatTable(rows));
    for (const [taskId, taskRows] of Object.entries(tasks)) {
      io.out(`\ntask ${JSON.stringify(taskId)}\n${formatTable(taskRows)}`);
    }
    for (const warning of warnings) io.err(`warning: ${warning}\n`);
  }
  return 0;
}

export const configShow: Command = {
  words: ["config", "show"],
  synopsis: SYNOPSIS,
  summary: "print every setting, its value and where it came from",
  run,
};
