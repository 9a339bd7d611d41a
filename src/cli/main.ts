#!/usr/bin/env node
/**
 * The `tynenc` command. A small dispatcher from command words to handlers so each command lives in
 * its own file: `config show` now, `runner start` when a backend that runners can share arrives.
 */
import { TynencError } from "../errors/errors.js";
import { configShow } from "./config-show.js";

/** What a command may touch; passed in so commands can be run without a real process. */
export interface CliIo {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  out(text: string): void;
  err(text: string): void;
}

export interface Command {
  /** The words that select it, e.g. `["config", "show"]`. */
  readonly words: readonly string[];
  /** Arguments after the words, for the usage text. */
  readonly synopsis: string;
  readonly summary: string;
  /** Resolves to the exit code: 0 ok, 1 failed, 2 wrong usage. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const COMMANDS: readonly Command[] = [configShow];

function commandLine(command: Command): string {
  return `  ${`${command.words.join(" ")} ${command.synopsis}`.padEnd(40)} ${command.summary}`;
}

export function usage(): string {
  const lines = COMMANDS.map(commandLine);
  return [
    "Usage: tynenc <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Coming later:",
    `  ${"runner start --app <module>".padEnd(40)} arrives with a later backend`,
    "",
    "Run `tynenc <command> --help` for a command's options.",
    "",
  ].join("\n");
}

/** The usage of a group of commands sharing a first word (`tynenc config`). */
function groupUsage(group: string, commands: readonly Command[]): string {
  return [
    `Usage: tynenc ${group} <subcommand> [options]`,
    "",
    "Subcommands:",
    ...commands.map(commandLine),
    "",
    `Run \`tynenc ${group} <subcommand> --help\` for a subcommand's options.`,
    "",
  ].join("\n");
}

/** `tynenc config` (or `tynenc config nope`): the group's subcommands; undefined if not a group. */
function groupAnswer(argv: readonly string[], io: CliIo): number | undefined {
  const [group = "", next] = argv;
  const commands = COMMANDS.filter((command) => command.words.length > 1 && command.words[0] === group);
  if (commands.length === 0) return undefined;
  if (argv.length === 2 && (next === "--help" || next === "-h")) {
    io.out(groupUsage(group, commands));
    return EXIT.ok;
  }
  const what = next === undefined ? `"${group}" needs a subcommand` : `unknown command "${argv.join(" ")}"`;
  io.err(`tynenc: ${what}\n\n${groupUsage(group, commands)}`);
  return EXIT.usage;
}

function findCommand(argv: readonly string[]): Command | undefined {
  return COMMANDS.find((command) => command.words.every((word, i) => argv[i] === word));
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const first = argv[0];
  if (first === "--help" || first === "-h" || first === "help") {
    io.out(usage());
    return EXIT.ok;
  }
  const command = findCommand(argv);
  if (command === undefined) {
    const answer = groupAnswer(argv, io);
    if (answer !== undefined) return answer;
    const what = argv.length === 0 ? "no command given" : `unknown command "${argv.join(" ")}"`;
    io.err(`tynenc: ${what}\n\n${usage()}`);
    return EXIT.usage;
  }
  try {
    return await command.run(argv.slice(command.words.length), io);
  } catch (error) {
    // tynenc's own errors carry a message meant for the user; anything else deserves its stack.
    const text = error instanceof TynencError ? error.message : error instanceof Error ? error.stack : error;
    io.err(`tynenc: ${String(text)}\n`);
    return EXIT.failed;
  }
}

process.exitCode = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
