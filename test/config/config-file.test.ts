import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { AppConfig } from "../../src/config/index.js";
import { ConfigError } from "../../src/errors/errors.js";

/** A temp dir holding `files` (name -> content). */
function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tynenc-file-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const load = (cwd: string, env: Record<string, string> = {}) => AppConfig.load({}, { env, cwd });

void describe("config file discovery", () => {
  const json = JSON.stringify({ appId: "from-json" });
  const yaml = "appId: from-yaml\n";
  const yml = "appId: from-yml\n";
  const pkg = JSON.stringify({ name: "x", tynenc: { appId: "from-package" } });

  void it("prefers tynenc.config.json, then .yaml, then .yml, then package.json#tynenc", () => {
    const all = {
      "tynenc.config.json": json,
      "tynenc.config.yaml": yaml,
      "tynenc.config.yml": yml,
      "package.json": pkg,
    };
    assert.equal(load(dirWith(all)).appId, "from-json");
    const { "tynenc.config.json": _json, ...noJson } = all;
    assert.equal(load(dirWith(noJson)).appId, "from-yaml");
    const { "tynenc.config.yaml": _yaml, ...noYaml } = noJson;
    assert.equal(load(dirWith(noYaml)).appId, "from-yml");
    const { "tynenc.config.yml": _yml, ...onlyPkg } = noYaml;
    const cwd = dirWith(onlyPkg);
    assert.equal(load(cwd).appId, "from-package");
    assert.deepEqual(load(cwd).sourceOf("appId"), {
      source: "file",
      detail: `${join(cwd, "package.json")}#tynenc`,
    });
  });

  void it("ignores a package.json without a tynenc key", () => {
    assert.equal(load(dirWith({ "package.json": '{"name":"x"}' })).appId, "tynenc");
  });

  void it("reads YAML, parsing quoted text by the field's kind", () => {
    const conf = load(
      dirWith({
        "tynenc.config.yaml": 'maxParallelSlots: "3"\ndevModeForceSyncTasks: yes\nbackend: SQLite\n',
      }),
    );
    assert.equal(conf.maxParallelSlots, 3);
    assert.equal(conf.devModeForceSyncTasks, true);
    assert.equal(conf.backend, "sqlite");
  });

  void it("treats an empty YAML file as setting nothing", () => {
    assert.equal(load(dirWith({ "tynenc.config.yml": "" })).appId, "tynenc");
  });
});

void describe("TYNENC__CONFIG_FILEPATH", () => {
  void it("names the file to use, relative to cwd, instead of the discovered ones", () => {
    const cwd = dirWith({ "tynenc.config.json": '{"appId":"found"}', "custom.yaml": "appId: named\n" });
    const conf = load(cwd, { TYNENC__CONFIG_FILEPATH: "custom.yaml" });
    assert.equal(conf.appId, "named");
    assert.deepEqual(conf.sourceOf("appId"), { source: "file", detail: join(cwd, "custom.yaml") });
  });

  void it("accepts an absolute path", () => {
    const other = dirWith({ "x.json": '{"appId":"abs"}' });
    assert.equal(load(dirWith({}), { TYNENC__CONFIG_FILEPATH: join(other, "x.json") }).appId, "abs");
  });

  void it("fails when the named file does not exist", () => {
    const cwd = dirWith({});
    assert.throws(
      () => load(cwd, { TYNENC__CONFIG_FILEPATH: "missing.json" }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /missing\.json/);
        assert.match(error.message, /TYNENC__CONFIG_FILEPATH/);
        return true;
      },
    );
  });

  void it("fails on an extension it cannot read", () => {
    const cwd = dirWith({ "conf.toml": "" });
    assert.throws(
      () => load(cwd, { TYNENC__CONFIG_FILEPATH: "conf.toml" }),
      /unsupported extension ".toml".*\.json, \.yaml or \.yml/,
    );
  });

  void it("reads the tynenc key when it names a package.json", () => {
    const other = dirWith({ "package.json": '{"tynenc":{"appId":"pkg"}}' });
    assert.equal(load(dirWith({}), { TYNENC__CONFIG_FILEPATH: join(other, "package.json") }).appId, "pkg");
  });
});

void describe("bad config files", () => {
  void it("name the file and the JSON parser's message", () => {
    const cwd = dirWith({ "tynenc.config.json": '{"appId": ' });
    assert.throws(
      () => load(cwd),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.ok(error.message.includes(join(cwd, "tynenc.config.json")), error.message);
        assert.match(error.message, /not valid JSON: .+/);
        return true;
      },
    );
  });

  void it("name the file and the YAML parser's message", () => {
    const cwd = dirWith({ "tynenc.config.yaml": "appId: [unclosed\n" });
    assert.throws(() => load(cwd), /tynenc\.config\.yaml is not valid YAML: .+/);
  });

  void it("must hold an object", () => {
    assert.throws(
      () => load(dirWith({ "tynenc.config.json": "[1]" })),
      /must hold an object of settings, not an array/,
    );
  });

  void it("report a wrongly typed value with the file as its origin", () => {
    const cwd = dirWith({ "tynenc.config.json": '{"maxParallelSlots": 2.5}' });
    assert.throws(
      () => load(cwd),
      /Invalid value 2\.5 for maxParallelSlots from config file .*tynenc\.config\.json: expected an integer from 1 to 10000/,
    );
  });

  void it("report unknown keys with a suggestion, and all problems at once", () => {
    const cwd = dirWith({
      "tynenc.config.json": '{"maxParalelSlots": 2, "colour": "red", "backend": "mongo"}',
    });
    assert.throws(
      () => load(cwd),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /^3 configuration problems:/);
        assert.match(
          error.message,
          /Unknown setting "maxParalelSlots" in config file .*; did you mean maxParallelSlots\?/,
        );
        assert.match(error.message, /Unknown setting "colour" .*; known settings: appId, backend,/);
        assert.match(
          error.message,
          /Invalid value "mongo" for backend .*: expected one of memory, sqlite, redis/,
        );
        return true;
      },
    );
  });

  void it("suggest the camelCase name for a snake_case key", () => {
    const cwd = dirWith({ "tynenc.config.yaml": "max_parallel_slots: 2\n" });
    assert.throws(() => load(cwd), /did you mean maxParallelSlots\?/);
  });
});

void describe("unknown constructor options", () => {
  const cwd = () => dirWith({});

  void it("are errors with a suggestion when close to a setting", () => {
    assert.throws(
      () => AppConfig.load({ maxParalelSlots: 2 }, { env: {}, cwd: cwd() }),
      /Unknown setting "maxParalelSlots" in constructor options; did you mean maxParallelSlots\?/,
    );
  });

  void it("are accepted when the app lists them in ignoreKeys", () => {
    const logger = { info() {} };
    const conf = AppConfig.load({ logger, appId: "x" }, { env: {}, cwd: cwd(), ignoreKeys: ["logger"] });
    assert.equal(conf.appId, "x");
  });
});

void describe("config file in a nested cwd", () => {
  void it("is looked for in cwd only, not in parent directories", () => {
    const parent = dirWith({ "tynenc.config.json": '{"appId":"parent"}' });
    const child = join(parent, "child");
    mkdirSync(child);
    assert.equal(load(child).appId, "tynenc");
  });
});
