/** Running the CLI in the test's own process (runCli) and app modules for --app. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runCli } from "../../src/cli/cli.js";
import type { CliIo } from "../../src/cli/cli-io.js";
import type { makeApp } from "./fixtures/make-app.js";

export const MAKE_APP = fileURLToPath(new URL("./fixtures/make-app.ts", import.meta.url));

export function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "tynenc-cli-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export interface RunOptions {
  cwd: string;
  interactive?: boolean;
  answer?: string;
}

/** `tynenc ...args` in this process; `questions` collects what it asked. */
export async function cli(args: string[], options: RunOptions, questions: string[] = []): Promise<CliRun> {
  let out = "";
  let err = "";
  const io: CliIo = {
    cwd: options.cwd,
    env: {},
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    interactive: options.interactive ?? false,
    ask: async (question) => {
      questions.push(question);
      return options.answer ?? "";
    },
  };
  const code = await runCli(args, io);
  return { code, out, err };
}

export type AppModule = ReturnType<typeof makeApp>;

/**
 * Writes `app.mjs` (an app of its own, from makeApp with `options`) into a new temp dir and imports it:
 * the CLI, given `--app app.mjs` in that dir, imports the same module instance.
 */
export async function appModule(options: Record<string, unknown> = {}): Promise<AppModule & { dir: string }> {
  const dir = tempDir({
    "app.mjs": [
      `import { makeApp } from ${JSON.stringify(pathToFileURL(MAKE_APP).href)};`,
      `export const { app, add, fail, sleep } = makeApp(${JSON.stringify(options)});`,
    ].join("\n"),
  });
  const mod = (await import(pathToFileURL(join(dir, "app.mjs")).href)) as AppModule;
  return { ...mod, dir };
}
