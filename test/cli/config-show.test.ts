import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
// Absolute, because the CLI runs in a temp cwd where a bare "tsx" would not resolve.
const TSX = import.meta.resolve("tsx");
const CONFIG_MODULE = fileURLToPath(new URL("../../src/config/index.ts", import.meta.url));
const INDEX_MODULE = fileURLToPath(new URL("../../src/index.ts", import.meta.url));

/** An app module registering the tasks "fibonacci" and "fetch". */
const TASKS_MODULE = [
  `import { Tynenc } from ${JSON.stringify(INDEX_MODULE)};`,
  `export const app = new Tynenc({ appId: "shop" });`,
  `app.task("fibonacci", async (n: number) => n, { retryDelayMs: 10 });`,
  `app.task("fetch", async () => 1);`,
].join("\n");

function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "tynenc-cli-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** Runs `tynenc ...args` with only the given env (plus PATH), never the test process's TYNENC__ vars. */
function tynenc(args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ["--import", TSX, MAIN, ...args], {
    cwd,
    env: { PATH: process.env["PATH"] ?? "", ...env },
    encoding: "utf8",
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

type ShowRow = { field: string; value: unknown; source: string; detail: string; doc: string };

interface ShowJson {
  fields: ShowRow[];
  tasks: Record<string, ShowRow[]>;
  warnings: string[];
}

void describe("tynenc config show", () => {
  void it("prints JSON resolved from cwd and env", () => {
    const cwd = tempDir({ "tynenc.config.json": '{"appId":"shop","maxParallelSlots":3}' });
    const { code, out } = tynenc(["config", "show", "--json"], cwd, {
      TYNENC__MAX_PARALLEL_SLOTS: "2",
      TYNENC__TYPO: "1",
    });
    assert.equal(code, 0);
    const shown = JSON.parse(out) as ShowJson;
    const byField = new Map(shown.fields.map((row) => [row.field, row]));
    assert.deepEqual(
      { ...byField.get("appId"), doc: undefined },
      {
        field: "appId",
        value: "shop",
        source: "file",
        detail: join(cwd, "tynenc.config.json"),
        doc: undefined,
      },
    );
    assert.equal(byField.get("maxParallelSlots")?.value, 2);
    assert.equal(byField.get("maxParallelSlots")?.detail, "TYNENC__MAX_PARALLEL_SLOTS");
    assert.equal(byField.get("backend")?.source, "default");
    assert.equal(shown.warnings.length, 1);
  });

  void it("prints an aligned table with the source detail in parentheses", () => {
    const cwd = tempDir();
    const { code, out, err } = tynenc(["config", "show"], cwd, {
      TYNENC__LOGGING_LEVEL: "debug",
      TYNENC__X: "1",
    });
    assert.equal(code, 0);
    const lines = out.trimEnd().split("\n");
    assert.match(lines[0] ?? "", /^field\s+value\s+source\s+detail$/);
    assert.match(out, /^loggingLevel\s+debug\s+env\s+\(TYNENC__LOGGING_LEVEL\)$/m);
    assert.match(out, /^backend\s+memory\s+default$/m);
    const valueColumn = (lines[0] ?? "").indexOf("value");
    assert.ok(
      lines
        .slice(1)
        .every((line) => line.charAt(valueColumn - 1) === " " && line.charAt(valueColumn) !== " "),
    );
    assert.match(err, /warning: Ignoring environment variable TYNENC__X/);
  });

  void it("uses the app exported by --app, including code options and assignments", () => {
    const cwd = tempDir({
      "tasks.ts": [
        `import { AppConfig } from ${JSON.stringify(CONFIG_MODULE)};`,
        `const conf = AppConfig.load({ appId: "from-code" }, { env: {} });`,
        `conf.backend = "sqlite";`,
        `export const app = { conf };`,
      ].join("\n"),
    });
    const { code, out, err } = tynenc(["config", "show", "--app", "tasks.ts", "--json"], cwd);
    assert.equal(code, 0, err);
    const fields = (JSON.parse(out) as ShowJson).fields;
    assert.deepEqual(
      fields.filter((r) => r.field === "appId" || r.field === "backend").map((r) => [r.value, r.source]),
      [
        ["from-code", "code"],
        ["sqlite", "assignment"],
      ],
    );
  });

  void it("with --app, lists each task's settings and sources and warns about settings for unknown task ids", () => {
    const cwd = tempDir({
      "tasks.ts": TASKS_MODULE,
      "tynenc.config.json": JSON.stringify({ tasks: { fibonacci: { maxRetries: 1 }, fetchh: {} } }),
    });
    const env = { TYNENC__TASK__FIBONACI__MAX_RETRIES: "2", TYNENC__TASK__FETCH__TIMEOUT_MS: "50" };
    const { code, out, err } = tynenc(["config", "show", "--app", "tasks.ts", "--json"], cwd, env);
    assert.equal(code, 0, err);
    const shown = JSON.parse(out) as ShowJson;
    assert.deepEqual(Object.keys(shown.tasks), ["fibonacci", "fetch"]);
    const fib = new Map(shown.tasks["fibonacci"]?.map((row) => [row.field, row]));
    assert.deepEqual([fib.get("maxRetries")?.value, fib.get("maxRetries")?.source], [1, "file"]);
    assert.deepEqual([fib.get("retryDelayMs")?.value, fib.get("retryDelayMs")?.source], [10, "code"]);
    const timeout = shown.tasks["fetch"]?.find((row) => row.field === "timeoutMs");
    assert.deepEqual([timeout?.value, timeout?.detail], [50, "TYNENC__TASK__FETCH__TIMEOUT_MS"]);
    assert.equal(shown.warnings.length, 2, shown.warnings.join("\n"));
    assert.match(
      shown.warnings.join("\n"),
      /TYNENC__TASK__FIBONACI__MAX_RETRIES.*did you mean TYNENC__TASK__FIBONACCI__MAX_RETRIES/,
    );
    assert.match(shown.warnings.join("\n"), /task "fetchh".*did you mean "fetch"\?/);
  });

  void it("prints a table per task after the app's", () => {
    const cwd = tempDir({ "tasks.ts": TASKS_MODULE, "tynenc.config.json": '{"tasks":{"fetchh":{}}}' });
    const { code, out, err } = tynenc(["config", "show", "--app", "tasks.ts"], cwd);
    assert.equal(code, 0, err);
    assert.match(out, /\n\ntask "fibonacci"\nfield\s+value\s+source\s+detail\nmaxRetries\s+0\s+default\n/);
    assert.match(out, /^retryDelayMs\s+10\s+code\s+\(app\.task\(\) option\)$/m);
    assert.match(out, /\n\ntask "fetch"\n/);
    assert.match(err, /warning: Ignoring the settings of task "fetchh"/);
  });

  void it("accepts a default export and fails clearly without an app", () => {
    const cwd = tempDir({
      "default.mjs": `export default { conf: { describe: () => [{ field: "f", value: 1, source: "code", detail: "" }] } };`,
      "none.mjs": "export const nothing = 1;",
    });
    assert.match(tynenc(["config", "show", "--app=default.mjs"], cwd).out, /^f\s+1\s+code$/m);
    const none = tynenc(["config", "show", "--app", "none.mjs"], cwd);
    assert.equal(none.code, 1);
    assert.match(none.err, /none\.mjs must export `app`/);
  });

  void it("exits 1 with the ConfigError message on a bad value", () => {
    const { code, err } = tynenc(["config", "show"], tempDir(), {
      TYNENC__DEV_MODE_FORCE_SYNC_TASKS: "maybe",
    });
    assert.equal(code, 1);
    assert.match(err, /^tynenc: Invalid value "maybe" for devModeForceSyncTasks from environment variable/);
  });

  void it("exits 2 on an unknown argument", () => {
    const { code, err } = tynenc(["config", "show", "--yaml"], tempDir());
    assert.equal(code, 2);
    assert.match(err, /unknown option "--yaml"/);
  });
});

void describe("tynenc usage", () => {
  void it("--help lists config show and runner start", () => {
    const { code, out } = tynenc(["--help"], tempDir());
    assert.equal(code, 0);
    assert.match(out, /tynenc config show \[--app <module>\] \[--json\]/);
    assert.match(out, /tynenc runner start --app <module>/);
  });

  void it("`tynenc config` lists the config subcommands (exit 2; with --help, exit 0)", () => {
    const bare = tynenc(["config"], tempDir());
    assert.equal(bare.code, 2);
    assert.match(bare.err, /"config" needs a subcommand/);
    assert.match(bare.err, /Commands:\n {2}show \[options\] +print every setting/);
    const unknown = tynenc(["config", "list"], tempDir());
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown command "list"[\s\S]*show \[options\]/);
    const help = tynenc(["config", "--help"], tempDir());
    assert.equal(help.code, 0);
    assert.match(help.out, /^Usage: tynenc config \[options\] \[command\][\s\S]*show \[options\]/);
  });

  void it("exits 2 with the usage on an unknown command or none", () => {
    const unknown = tynenc(["deploy", "now"], tempDir());
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown command "deploy"/);
    assert.match(unknown.err, /Usage: tynenc/);
    assert.equal(tynenc([], tempDir()).code, 2);
  });
});
