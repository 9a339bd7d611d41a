/**
 * The CLI as users run it: compiled to JavaScript (the package's `bin`), under plain `node`, given a
 * TypeScript app module. With tsx installed it loads the module through tsx; without, it says what to do.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { tempDir } from "./harness.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Compiles src/ into a fresh folder of build/ (git-ignored); type errors elsewhere do not stop the emit. */
function compile(): string {
  mkdirSync(join(ROOT, "build"), { recursive: true });
  const out = mkdtempSync(join(ROOT, "build", "cli-test-"));
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const flags = [
    "--outDir",
    out,
    "--declaration",
    "false",
    "--declarationMap",
    "false",
    "--sourceMap",
    "false",
  ];
  spawnSync(process.execPath, [tsc, "-p", join(ROOT, "tsconfig.build.json"), ...flags], { encoding: "utf8" });
  assert.ok(existsSync(join(out, "cli", "main.js")), "the CLI compiled");
  return out;
}

/** A project folder with a TypeScript app module importing the compiled tynenc at `dist`. */
function project(dist: string): string {
  return tempDir({
    "package.json": JSON.stringify({ type: "module" }),
    "app.ts": [
      `import { Tynenc } from ${JSON.stringify(join(dist, "index.js"))};`,
      `const slots: number = 3;`,
      `export const app = new Tynenc({ appId: "compiled", maxParallelSlots: slots, loggingLevel: "silent" });`,
      `app.task("add", async (a: number, b: number): Promise<number> => a + b);`,
    ].join("\n"),
  });
}

function run(dist: string, args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [join(dist, "cli", "main.js"), ...args], {
    cwd,
    env: { PATH: process.env["PATH"] ?? "" },
    encoding: "utf8",
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

void describe("the compiled tynenc CLI", () => {
  let dist = "";
  const cleanup: string[] = [];
  before(() => {
    dist = compile();
    cleanup.push(dist);
  });
  after(() => {
    for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
  });

  void it("loads a .ts app module through tsx when tsx is installed", () => {
    const shown = run(dist, ["config", "show", "--app", "app.ts", "--json"], project(dist));
    assert.equal(shown.code, 0, shown.err);
    const fields = (JSON.parse(shown.out) as { fields: { field: string; value: unknown }[] }).fields;
    assert.equal(fields.find((row) => row.field === "maxParallelSlots")?.value, 3);
    const status = run(dist, ["status", "--app", "app.ts", "--json"], project(dist));
    assert.equal(status.code, 0, status.err);
    assert.equal((JSON.parse(status.out) as { appId: string }).appId, "compiled");
  });

  void it("without tsx, says to install it or compile the app (exit 1)", () => {
    // A copy of the package where no tsx can be found: only its runtime dependencies beside it.
    const pkg = tempDir();
    cpSync(dist, join(pkg, "dist"), { recursive: true });
    mkdirSync(join(pkg, "node_modules"));
    for (const dep of ["commander", "yaml"]) {
      symlinkSync(join(ROOT, "node_modules", dep), join(pkg, "node_modules", dep), "dir");
    }
    cleanup.push(pkg);
    const bare = join(pkg, "dist");
    const result = run(bare, ["status", "--app", "app.ts"], project(bare));
    assert.equal(result.code, 1);
    assert.match(
      result.err,
      /^tynenc: Cannot load app\.ts: it is TypeScript, which Node v\d+\.\d+\.\d+ cannot run by itself/,
    );
    assert.match(
      result.err,
      /npm install --save-dev tsx.*or compile the app and point --app at the compiled \.js module\n$/,
    );
    const js = run(bare, ["status", "--app", "app.js"], tempDir({ "app.js": "export const app = 1;" }));
    assert.match(js.err, /app\.js must export `app`/);
  });
});
