import { join } from "node:path";
import { describe } from "node:test";
import { sqliteBackend } from "../../src/index.js";
import { delayedDurabilityCases } from "../delayed-durability-cases.js";
import { tempDir } from "../sqlite-files.js";

describe("delayed calls on a SQLite file, across a restart and many runners", () => {
  delayedDurabilityCases(async () => {
    const dir = tempDir();
    const path = join(dir.path, "delayed.sqlite");
    return { open: () => sqliteBackend({ path, appId: "test" }), close: async () => dir.remove() };
  }, {});
});
