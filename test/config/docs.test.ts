import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { APP_FIELDS, TASK_FIELDS, envVarName } from "../../src/config/index.js";
import { CONFIGURATION_DOC, renderConfigurationDoc } from "../../scripts/config-doc.js";

void describe("docs/configuration.md", () => {
  void it("is what scripts/config-doc.ts generates from the schema", async () => {
    const expected = await renderConfigurationDoc();
    assert.equal(
      readFileSync(CONFIGURATION_DOC, "utf8"),
      expected,
      "docs/configuration.md is stale: run `npx tsx scripts/config-doc.ts > docs/configuration.md`",
    );
  });

  void it("lists every app and task setting with its variable", () => {
    const page = readFileSync(CONFIGURATION_DOC, "utf8");
    for (const field of Object.keys(APP_FIELDS)) {
      assert.ok(page.includes(`\`${field}\``) && page.includes(envVarName(field)), field);
    }
    for (const field of Object.keys(TASK_FIELDS)) assert.ok(page.includes(`\`${field}\``), field);
  });
});

void describe("the schema", () => {
  void it("names every setting in camelCase with a one-line doc", () => {
    for (const [name, def] of Object.entries({ ...APP_FIELDS, ...TASK_FIELDS })) {
      assert.match(name, /^[a-z][a-zA-Z0-9]*$/, name);
      assert.ok(def.doc.length > 0 && !def.doc.includes("\n"), name);
    }
  });

  void it("has valid defaults", () => {
    for (const [name, def] of Object.entries({ ...APP_FIELDS, ...TASK_FIELDS })) {
      assert.equal(def.check(def.defaultValue()).ok, true, name);
    }
  });
});
