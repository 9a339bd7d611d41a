import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { flagOf } from "../../src/cli/config-flags.js";
import { APP_FIELDS } from "../../src/config/schema.js";
import { appModule, cli, tempDir } from "./harness.js";

const COMMANDS = [["runner", "start"], ["status"], ["invocation"], ["purge"], ["config", "show"]];

void describe("tynenc command line: help, did you mean, flag values", () => {
  void it("--help lists every command; each command's --help lists every setting flag", async () => {
    const cwd = tempDir();
    const top = await cli(["--help"], { cwd });
    assert.equal(top.code, 0);
    for (const line of [
      "runner start --app <module>",
      "status --app",
      "invocation <id> --app",
      "purge --app",
    ]) {
      assert.ok(top.out.includes(`tynenc ${line}`), line);
    }
    for (const words of COMMANDS) {
      const help = await cli([...words, "--help"], { cwd });
      assert.equal(help.code, 0, help.err);
      assert.match(help.out, new RegExp(`^Usage: tynenc ${words.join(" ")} `));
      for (const field of Object.keys(APP_FIELDS)) assert.ok(help.out.includes(flagOf(field)), field);
    }
    const flags = (await cli(["runner", "start", "--help"], { cwd })).out;
    assert.match(flags, /--max-parallel-slots <n>\s+Invocations a ThreadRunner runs at once/);
    assert.match(flags, /--runner <name>/);
  });

  void it("a group without its subcommand shows its subcommands (exit 2); help works in either form", async () => {
    const cwd = tempDir();
    const bare = await cli(["runner"], { cwd });
    assert.equal(bare.code, 2);
    assert.match(bare.err, /^tynenc runner: "runner" needs a subcommand\n[\s\S]*start \[options\]/);
    assert.equal((await cli([], { cwd })).code, 2);
    const help = await cli(["help", "status"], { cwd });
    assert.equal(help.code, 0);
    assert.match(help.out, /^Usage: tynenc status --app <module>/);
  });

  void it("an unknown command gets a did-you-mean and the usage (exit 2)", async () => {
    const cwd = tempDir();
    const top = await cli(["stauts", "--app", "x"], { cwd });
    assert.equal(top.code, 2);
    assert.match(top.err, /^tynenc: unknown command "stauts"; did you mean "status"\?/);
    assert.match(top.err, /Usage: tynenc/);
    const sub = await cli(["runner", "strat"], { cwd });
    assert.equal(sub.code, 2);
    assert.match(sub.err, /^tynenc runner: unknown command "strat"; did you mean "start"\?/);
    const far = await cli(["deploy"], { cwd });
    assert.match(far.err, /^tynenc: unknown command "deploy"\n/);
  });

  void it("an unknown flag gets a did-you-mean (exit 2)", async () => {
    const cwd = tempDir();
    const slots = await cli(["status", "--app", "a.mjs", "--max-paralel-slots", "3"], { cwd });
    assert.equal(slots.code, 2);
    assert.match(
      slots.err,
      /^tynenc status: unknown option "--max-paralel-slots"; did you mean --max-parallel-slots\?/,
    );
    const yes = await cli(["purge", "--app", "a.mjs", "--yse"], { cwd });
    assert.match(yes.err, /unknown option "--yse"; did you mean --yes\?/);
    const inline = await cli(["runner", "start", "--app", "a.mjs", "--sqlite-pth=x.db"], { cwd });
    assert.match(inline.err, /unknown option "--sqlite-pth=x.db"; did you mean --sqlite-path\?/);
  });

  void it("a bad setting value names the flag, the value and what is accepted (exit 2)", async () => {
    const cwd = tempDir();
    const cases: [string, string, RegExp][] = [
      [
        "--max-parallel-slots",
        "0",
        /invalid value "0" for --max-parallel-slots: expected an integer from 1 to 10000\./,
      ],
      ["--backend", "mysql", /invalid value "mysql" for --backend: expected one of memory, sqlite, redis\./],
      [
        "--dev-mode-force-sync-tasks",
        "maybe",
        /invalid value "maybe" for --dev-mode-force-sync-tasks: expected true or false/,
      ],
      [
        "--stop-grace-ms",
        "-5",
        /invalid value "-5" for --stop-grace-ms: expected a duration in whole milliseconds/,
      ],
    ];
    for (const [flag, value, message] of cases) {
      const run = await cli(["status", "--app", "a.mjs", flag, value], { cwd });
      assert.equal(run.code, 2, `${flag} ${value}`);
      assert.match(run.err, message);
    }
  });

  void it("--app is required by the app commands (exit 2) and must name a module exporting an app (exit 1)", async () => {
    const cwd = tempDir({
      "none.mjs": "export const nothing = 1;",
      "throws.mjs": "throw new Error('broken at import');",
    });
    const missing = await cli(["invocation", "abc"], { cwd });
    assert.equal(missing.code, 2);
    assert.match(missing.err, /required option '--app <module>' not specified/);
    const absent = await cli(["status", "--app", "gone.mjs"], { cwd });
    assert.equal(absent.code, 1);
    assert.match(absent.err, /^tynenc: Cannot load --app gone\.mjs: there is no file .*gone\.mjs\n$/);
    const none = await cli(["purge", "--app", "none.mjs", "--yes"], { cwd });
    assert.equal(none.code, 1);
    assert.match(none.err, /none\.mjs must export `app` \(or a default export\) that is a tynenc app/);
    const throws = await cli(["status", "--app", "throws.mjs"], { cwd });
    assert.equal(throws.code, 1);
    assert.match(throws.err, /Cannot load --app throws\.mjs: broken at import/);
  });

  void it("setting flags are assigned to the app's conf, above code options", async () => {
    const mod = await appModule({ stopGraceMs: 50 });
    const run = await cli(
      ["status", "--app", "app.mjs", "--stop-grace-ms", "123", "--logging-level", "ERROR"],
      {
        cwd: mod.dir,
      },
    );
    assert.equal(run.code, 0, run.err);
    assert.equal(mod.app.conf.stopGraceMs, 123);
    assert.equal(mod.app.conf.loggingLevel, "error");
    assert.equal(mod.app.conf.sourceOf("stopGraceMs").source, "assignment");
    const shown = await cli(["config", "show", "--app", "app.mjs", "--json", "--max-parallel-slots", "7"], {
      cwd: mod.dir,
    });
    const fields = (JSON.parse(shown.out) as { fields: { field: string; value: unknown; source: string }[] })
      .fields;
    assert.deepEqual(
      fields.filter((row) => row.field === "maxParallelSlots").map((row) => [row.value, row.source]),
      [[7, "assignment"]],
    );
  });

  void it("--backend refuses when the module already built its backend at import", async () => {
    const mod = await appModule();
    assert.equal(mod.app.backend.name, "memory"); // built now, as a module touching app.backend would
    const run = await cli(["status", "--app", "app.mjs", "--backend", "redis"], { cwd: mod.dir });
    assert.equal(run.code, 1);
    assert.match(run.err, /--backend redis came too late: app\.mjs already built its "memory" backend/);
  });
});

void describe("tynenc runner start (refusals)", () => {
  void it("refuses the memory backend, naming sqlite and redis (exit 1, no stack)", async () => {
    const mod = await appModule();
    const run = await cli(["runner", "start", "--app", "app.mjs"], { cwd: mod.dir });
    assert.equal(run.code, 1);
    assert.match(run.err, /^tynenc: the app's backend is "memory", which lives inside one process/);
    assert.match(run.err, /--backend sqlite .*--backend redis/);
    assert.doesNotMatch(run.err, /\n\s+at /);
    assert.equal(mod.app.runner.running, false);
  });

  void it("refuses DummyRunner, and --runner disagreeing with --runner-cls", async () => {
    const mod = await appModule();
    const dummy = await cli(["runner", "start", "--app", "app.mjs", "--runner", "DummyRunner"], {
      cwd: mod.dir,
    });
    assert.equal(dummy.code, 1);
    assert.match(dummy.err, /runnerCls "DummyRunner" runs nothing/);
    const both = [
      "runner",
      "start",
      "--app",
      "app.mjs",
      "--runner",
      "ThreadRunner",
      "--runner-cls",
      "ProcessRunner",
    ];
    const clash = await cli(both, { cwd: mod.dir });
    assert.equal(clash.code, 2);
    assert.match(clash.err, /--runner ThreadRunner and --runner-cls ProcessRunner disagree/);
  });

  void it("--runner only takes a runner class name (exit 2)", async () => {
    const run = await cli(["runner", "start", "--app", "a.mjs", "--runner", "Threads"], { cwd: tempDir() });
    assert.equal(run.code, 2);
    assert.match(run.err, /invalid value "Threads" for --runner: allowed choices are ThreadRunner,/);
  });
});
