/**
 * `tynenc config show [--app <module>] [--json] [--<setting> <value>]...`: every setting, its value
 * and where it came from. Without --app the config comes from the working directory and environment
 * alone; with it, from the app the module exports, so constructor options, assignments made at import
 * and the settings of each task it registers show too, and task settings for ids it has no task for
 * are warned about. Setting flags show as assignments, as they would apply to `runner start`.
 */
import { AppConfig } from "../config/config.js";
import { CliError, type CliIo } from "./cli-io.js";
import { addConfigFlags, applyConfigFlags, configFlagValues, type Assignable } from "./config-flags.js";
import { table } from "./format.js";
import { importAppExport } from "./load-app.js";
import { TynencCommand } from "./tynenc-command.js";

interface Row {
  field: string;
  value: unknown;
  source: string;
  detail: string;
}

/** What --app must export as `app.conf` (duck-typed: any AppConfig, even from another copy of tynenc). */
interface Describable extends Partial<Assignable> {
  describe(): Row[];
  warnings?: readonly string[];
  describeTasks?(): Record<string, Row[]>;
  /** Task settings for ids no task has: known only once the module registered its tasks. */
  checkTaskSettings?(): string[];
}

interface ShowOptions {
  readonly app?: string;
  readonly json?: boolean;
  readonly [flag: string]: unknown;
}

function isDescribable(value: unknown): value is Describable {
  return typeof (value as Partial<Describable> | null | undefined)?.describe === "function";
}

async function appConf(modulePath: string, io: CliIo): Promise<Describable> {
  const app = (await importAppExport(modulePath, io)) as { conf?: unknown } | undefined;
  if (!isDescribable(app?.conf)) {
    throw new CliError(
      `${modulePath} must export \`app\` (or a default export) whose \`conf\` has describe()`,
    );
  }
  return app.conf;
}

function formatCell(value: unknown): string {
  if (value === "") return '""'; // an empty setting still shows in its column
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function formatTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => [r.field, formatCell(r.value), r.source, r.detail ? `(${r.detail})` : ""]);
  return table(["field", "value", "source", "detail"], cells);
}

async function show(options: ShowOptions, io: CliIo): Promise<void> {
  const conf = options.app
    ? await appConf(options.app, io)
    : AppConfig.load({}, { env: io.env, cwd: io.cwd });
  const flags = configFlagValues(options);
  if (Object.keys(flags).length > 0) {
    if (conf.set === undefined) throw new CliError(`the conf of ${options.app} cannot be assigned to`);
    applyConfigFlags(conf as Assignable, flags);
  }
  if (options.app) conf.checkTaskSettings?.();
  const rows = conf.describe();
  const tasks = conf.describeTasks?.() ?? {};
  const warnings = [...(conf.warnings ?? [])];
  if (options.json) {
    io.out(`${JSON.stringify({ fields: rows, tasks, warnings }, null, 2)}\n`);
    return;
  }
  io.out(formatTable(rows));
  for (const [taskId, taskRows] of Object.entries(tasks)) {
    io.out(`\ntask ${JSON.stringify(taskId)}\n${formatTable(taskRows)}`);
  }
  for (const warning of warnings) io.err(`warning: ${warning}\n`);
}

export function configShowCommand(io: CliIo): TynencCommand {
  const command = new TynencCommand("show")
    .summary("print every setting, its value and where it came from")
    .description(
      "Print every setting, its value and where it came from (default, file, code, env, assignment). Without --app, from the config file and TYNENC__* variables alone.",
    )
    .option(
      "--app <module>",
      "module exporting the app: adds constructor options, assignments made at import and each task's settings, and warns about settings for task ids it lacks",
    )
    .option("--json", "print JSON ({ fields, tasks, warnings }) instead of tables");
  addConfigFlags(command);
  return command.action((options: ShowOptions) => show(options, io));
}
