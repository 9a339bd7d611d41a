import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { arrayElementSpans } from "../../src/data-store/json-array.js";

function elements(text: string): string[] | undefined {
  const spans = arrayElementSpans(text);
  if (spans === undefined) return undefined;
  const out: string[] = [];
  for (let i = 0; i < spans.length; i += 2) out.push(text.slice(spans[i], spans[i + 1]));
  return out;
}

void describe("arrayElementSpans", () => {
  void it("splits the top level of an array into exact element texts", () => {
    const values = [
      1,
      "a,b]",
      'quote " inside',
      "ends with a backslash \\",
      "\\",
      '\\"',
      [1, [2, "]"]],
      { a: "}", b: { c: ["[", "{"] } },
      null,
      "🦀 é \u0000",
    ];
    const text = JSON.stringify(values);
    assert.deepEqual(
      elements(text),
      values.map((value) => JSON.stringify(value)),
    );
  });

  void it("gives no elements for an empty array", () => {
    assert.deepEqual(elements("[]"), []);
    assert.deepEqual(elements("[[]]"), ["[]"]);
  });

  void it("refuses text that is not one compact JSON array", () => {
    for (const text of ["", "{}", '"[1]"', "[1,2", '["open]', "[1]]", "[1],[2]", "[1}"]) {
      assert.equal(arrayElementSpans(text), undefined, text);
    }
  });
});
