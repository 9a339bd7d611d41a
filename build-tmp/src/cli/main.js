#!/usr/bin/env node
/**
 * The `tynenc` command. A small dispatcher from command words to handlers so each command lives in
 * its own file: `config show` now, `runner start` when a backend that runners can share arrives.
 */
import { TynencError } from "../errors/errors.js";
import { configShow } from "./config-show.js";
export const EXIT = { ok: 0, failed: 1, usage: 2 };
const COMMANDS = [configShow];
export function usage() {
    const lines = COMMANDS.map((c) => `  ${`${c.words.join(" ")} ${c.synopsis}`.padEnd(40)} ${c.summary}`);
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
function findCommand(argv) {
    return COMMANDS.find((command) => command.words.every((word, i) => argv[i] === word));
}
export async function runCli(argv, io) {
    const first = argv[0];
    if (first === "--help" || first === "-h" || first === "help") {
        io.out(usage());
        return EXIT.ok;
    }
    const command = findCommand(argv);
    if (command === undefined) {
        const what = argv.length === 0 ? "no command given" : `unknown command "${argv.join(" ")}"`;
        io.err(`tynenc: ${what}\n\n${usage()}`);
        return EXIT.usage;
    }
    try {
        return await command.run(argv.slice(command.words.length), io);
    }
    catch (error) {
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
//# sourceMappingURL=main.js.map