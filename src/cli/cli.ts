/**
 * The `tynenc` command line: one commander program, each command built in its own file. `runCli`
 * runs it against a CliIo, so tests call it in their own process; `main.ts` is the executable.
 */
import { readFileSync } from "node:fs";
import { CommanderError, type Command } from "commander";
import { TynencError } from "../errors/errors.js";
import { CliUsageError, EXIT, type CliIo } from "./cli-io.js";
import { configShowCommand } from "./config-show.js";
import { invocationCommand } from "./invocation.js";
import { purgeCommand } from "./purge.js";
import { runnerStartCommand } from "./runner-start.js";
import { statusCommand } from "./status.js";
import { TynencCommand } from "./tynenc-command.js";

const OVERVIEW = `
Commands in full:
  tynenc runner start --app <module> [--runner <name>]
  tynenc status --app <module> [--json] [--limit <n>]
  tynenc invocation <id> --app <module> [--json]
  tynenc purge --app <module> [--yes]
  tynenc config show [--app <module>] [--json]

Every command also takes --<setting> <value> for each setting (--backend, --sqlite-path,
--max-parallel-slots, ...; "tynenc config show --help" lists them), which overrides the config
file, the app's code and the TYNENC__* environment variables. Those variables apply to every command.
`;

/** This package's version, from the package.json two levels up (of src/cli/ and of dist/cli/ alike). */
function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** commander copies output and exit settings only to commands made with `.command()`; these are added. */
function inheritSettings(parent: Command): void {
  for (const child of parent.commands) {
    child.copyInheritedSettings(parent);
    inheritSettings(child);
  }
}

function group(name: string, summary: string, ...commands: Command[]): TynencCommand {
  const command = new TynencCommand(name).summary(summary);
  for (const sub of commands) command.addCommand(sub);
  return command;
}

export function buildProgram(io: CliIo): TynencCommand {
  const program = new TynencCommand("tynenc")
    .description("Run and inspect tynenc apps: runners, invocations, settings.")
    .version(version(), "-V, --version")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      outputError: (text, write) => write(text),
    })
    .addHelpText("after", OVERVIEW);
  program.addCommand(group("runner", "run a runner of an app (runner start)", runnerStartCommand(io)));
  program.addCommand(statusCommand(io));
  program.addCommand(invocationCommand(io));
  program.addCommand(purgeCommand(io));
  program.addCommand(group("config", "show the settings (config show)", configShowCommand(io)));
  inheritSettings(program);
  return program;
}

/** Prints what went wrong and returns the exit code: 0 ok, 1 failed, 2 wrong usage. */
function failure(error: unknown, io: CliIo): number {
  // commander already printed its message (or the help it was asked for).
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof TynencError) {
    io.err(`tynenc: ${error.message}\n`);
    return error instanceof CliUsageError ? EXIT.usage : EXIT.failed;
  }
  // Anything else is a bug or an error of the app's own code: its stack is worth showing.
  io.err(`tynenc: ${error instanceof Error ? error.stack : String(error)}\n`);
  return EXIT.failed;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync([...argv], { from: "user" });
    return EXIT.ok;
  } catch (error) {
    return failure(error, io);
  }
}
