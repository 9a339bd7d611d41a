import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatAge, jsonSafe, table } from "../../src/cli/format.js";

void describe("CLI output helpers", () => {
  void it("formatAge keeps a table column short at every scale", () => {
    const cases: [number, string][] = [
      [-3, "0ms"],
      [850, "850ms"],
      [12_340, "12.3s"],
      [245_000, "4m05s"],
      [7_380_000, "2h03m"],
      [273_600_000, "3d04h"],
    ];
    for (const [ms, text] of cases) assert.equal(formatAge(ms), text);
  });

  void it("jsonSafe writes what JSON cannot hold in a readable form", () => {
    const error = Object.assign(new RangeError("boom"), { code: "E_BOOM" });
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic["self"] = cyclic;
    const value = jsonSafe({
      big: 12n,
      at: new Date(0),
      map: new Map([["a", 1]]),
      set: new Set([1, 2]),
      nothing: undefined,
      error,
      cyclic,
    }) as Record<string, unknown>;
    assert.deepEqual(
      { ...value, error: undefined },
      {
        big: "12n",
        at: "1970-01-01T00:00:00.000Z",
        map: [["a", 1]],
        set: [1, 2],
        nothing: null,
        error: undefined,
        cyclic: { name: "loop", self: "[Circular]" },
      },
    );
    assert.deepEqual(
      [
        (value["error"] as Record<string, unknown>)["name"],
        (value["error"] as Record<string, unknown>)["code"],
      ],
      ["RangeError", "E_BOOM"],
    );
    assert.doesNotThrow(() => JSON.stringify(value));
  });

  void it("table pads columns and trims line ends", () => {
    assert.equal(
      table(
        ["a", "bb"],
        [
          ["long", ""],
          ["x", "y"],
        ],
      ),
      "a     bb\nlong\nx     y\n",
    );
  });
});
