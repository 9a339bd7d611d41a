/**
 * `--app <module>`: imports the module and returns what it exports as its app (`app`, else the default
 * export). Node 20 cannot import TypeScript by itself, so a `.ts` module that a plain import refuses is
 * loaded through tsx's ESM API when the project (or tynenc's install) has tsx.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { TynencError } from "../errors/errors.js";
import { CliError, type CliIo } from "./cli-io.js";

/** Imports a module URL on behalf of `parentUrl` (tsx's `tsImport`). */
export type TsImport = (url: string, parentUrl: string) => Promise<unknown>;

const TYPESCRIPT = /\.[cm]?tsx?$/;

/**
 * Codes of a plain import that a TypeScript loader may fix: Node cannot run .ts at all (20), cannot
 * strip this syntax, or cannot find `./x.js` that is really `./x.ts` (22+ strips types but does not
 * map extensions). They are raised while loading, before any of the module's code runs.
 */
const LOADER_FIXES = new Set([
  "ERR_UNKNOWN_FILE_EXTENSION",
  "ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX",
  "ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING",
  "ERR_MODULE_NOT_FOUND",
]);

/** tsx's `tsImport`, from the project in `cwd` first, else from where tynenc is installed; undefined if neither has tsx. */
export async function findTsx(cwd: string): Promise<TsImport | undefined> {
  const candidates: (() => Promise<unknown>)[] = [
    () => import(pathToFileURL(createRequire(join(cwd, "package.json")).resolve("tsx/esm/api")).href),
    () => import("tsx/esm/api"),
  ];
  for (const load of candidates) {
    try {
      const api = (await load()) as { tsImport?: TsImport };
      if (typeof api.tsImport === "function") return api.tsImport;
    } catch {
      // Not installed there: try the next place.
    }
  }
  return undefined;
}

function errorCode(error: unknown): string | undefined {
  return (error as { code?: unknown } | null)?.code as string | undefined;
}

async function importTypeScript(
  modulePath: string,
  url: string,
  io: CliIo,
  tsx: (cwd: string) => Promise<TsImport | undefined>,
  refusal: Error,
): Promise<unknown> {
  const tsImport = await tsx(io.cwd);
  if (tsImport === undefined) {
    throw new CliError(
      `Cannot load ${modulePath}: it is TypeScript, which Node ${process.version} cannot run by itself (${refusal.message}), and tsx is not installed. Install it in the project (npm install --save-dev tsx) and tynenc loads the module through it, or compile the app and point --app at the compiled .js module`,
    );
  }
  // tsImport loads under its own URL namespace, so the failed plain import cached above does not answer.
  return tsImport(url, pathToFileURL(join(io.cwd, "noop.js")).href);
}

/** The module's namespace; import errors other than "cannot load TypeScript" propagate, wrapped with the path. */
export async function importModule(
  modulePath: string,
  io: CliIo,
  tsx: (cwd: string) => Promise<TsImport | undefined> = findTsx,
): Promise<Record<string, unknown>> {
  const file = resolve(io.cwd, modulePath);
  if (!existsSync(file)) {
    throw new CliError(`Cannot load --app ${modulePath}: there is no file ${file}`);
  }
  const url = pathToFileURL(file).href;
  try {
    try {
      return (await import(url)) as Record<string, unknown>;
    } catch (error) {
      const code = errorCode(error);
      if (!TYPESCRIPT.test(file) || code === undefined || !LOADER_FIXES.has(code)) throw error;
      return (await importTypeScript(modulePath, url, io, tsx, error as Error)) as Record<string, unknown>;
    }
  } catch (error) {
    // tynenc's own errors (a bad setting found at import) already say what to fix.
    if (error instanceof TynencError) throw error;
    throw new CliError(`Cannot load --app ${modulePath}: ${(error as Error).message}`, { cause: error });
  }
}

/** What the module exports as its app: `app`, else the default export (may be anything; callers check). */
export async function importAppExport(modulePath: string, io: CliIo): Promise<unknown> {
  const mod = await importModule(modulePath, io);
  return mod["app"] ?? mod["default"];
}
