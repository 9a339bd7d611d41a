#!/usr/bin/env node
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
export declare const EXIT: {
    readonly ok: 0;
    readonly failed: 1;
    readonly usage: 2;
};
export declare function usage(): string;
export declare function runCli(argv: readonly string[], io: CliIo): Promise<number>;
