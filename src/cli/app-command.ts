/**
 * What every command that works on an app shares: `--app <module>` plus one flag per setting, and
 * opening the app with those flags applied before anything builds its backend or runner.
 */
import { inspect } from "node:util";
import type { Command } from "commander";
import type { Tynenc } from "../app.js";
import { CliError, type CliIo } from "./cli-io.js";
import { addConfigFlags, applyConfigFlags, configFlagValues, flagOf } from "./config-flags.js";
import { importAppExport } from "./load-app.js";

export const APP_FLAG_HELP =
  "module exporting the app (`export const app = new Tynenc(...)` or a default export), relative to the working directory; .js/.mjs, or .ts when tsx is installed";

/** Adds `--app <module>` (required) and the setting flags. */
export function addAppOptions(command: Command): Command {
  command.requiredOption("--app <module>", APP_FLAG_HELP);
  return addConfigFlags(command);
}

export interface AppOptions {
  readonly app: string;
  readonly [flag: string]: unknown;
}

function isApp(value: unknown): value is Tynenc {
  const app = value as Partial<Tynenc> | null | undefined;
  return typeof app?.getInvocation === "function" && typeof app.conf?.set === "function";
}

function describeExports(mod: unknown): string {
  if (mod === undefined) return "neither `app` nor a default export";
  return `${typeof mod} ${inspect(mod, { depth: 0 }).slice(0, 60)}`;
}

/** The app of `--app`, with the setting flags assigned to its conf. */
export async function openApp(options: AppOptions, io: CliIo): Promise<Tynenc> {
  const exported = await importAppExport(options.app, io);
  if (!isApp(exported)) {
    throw new CliError(
      `${options.app} must export \`app\` (or a default export) that is a tynenc app (new Tynenc(...)); found ${describeExports(exported)}`,
    );
  }
  const flags = configFlagValues(options);
  applyConfigFlags(exported.conf, flags);
  const built = exported.backend.name;
  if (flags.backend !== undefined && built !== flags.backend) {
    // The module reached app.backend while it was imported: a later assignment no longer changes it.
    throw new CliError(
      `${flagOf("backend")} ${flags.backend} came too late: ${options.app} already built its "${built}" backend while it was imported (or passes a backend object). Set the backend with TYNENC__BACKEND or the config file instead, or do not touch app.backend at import`,
    );
  }
  // A backend with a connection (redis): a wrong host, port or password ends the command here, said.
  await exported.backend.ready?.catch((error: unknown) => {
    throw new CliError((error as Error).message, { cause: error });
  });
  return exported;
}

/**
 * Inspecting commands run in a process of their own: a memory backend there holds only what the module
 * itself did at import, so say so (once, on stderr) rather than show an empty app as if it were the truth.
 */
export function warnIfProcessLocal(app: Tynenc, io: CliIo): void {
  if (app.backend.sharedAcrossProcesses) return;
  io.err(
    `note: the "${app.backend.name}" backend lives inside this process, so this shows only what ${app.appId} did in it; use a shared backend (--backend sqlite or redis) to see the invocations of other processes\n`,
  );
}

/** `the sqlite backend (/data/jobs.sqlite)`: which store a command works on, for its messages. */
export function backendLabel(app: Tynenc): string {
  const { name } = app.backend;
  const where =
    name === "sqlite" ? ` (${app.conf.sqlitePath})` : name === "redis" ? ` (${app.conf.redisUrl})` : "";
  return `the ${name} backend${where}`;
}
