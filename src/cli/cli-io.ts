/**
 * What a command may touch of its process, passed in so commands run the same from `main.ts` and from
 * tests calling `runCli` in their own process.
 */
import { TynencError } from "../errors/errors.js";

export interface CliIo {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  out(text: string): void;
  err(text: string): void;
  /** True when a person can answer a question (stdin and stderr are terminals). */
  readonly interactive?: boolean;
  /** Asks a question on the terminal and resolves to the answer (only called when `interactive`). */
  ask?(question: string): Promise<string>;
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The command line itself is wrong (exit 2): fixing the arguments fixes it. */
export class CliUsageError extends TynencError {
  override readonly code = "CLI_USAGE";
}

/** A command could not do its work for a reason outside the app's own errors (exit 1). */
export class CliError extends TynencError {
  override readonly code = "CLI";
}
