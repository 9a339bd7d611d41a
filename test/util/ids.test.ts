import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { newId } from "../../src/util/ids.js";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("newId", () => {
  it("makes RFC 4122 version-4 UUIDs, all different, across many refills of its random pool", () => {
    const ids = Array.from({ length: 5_000 }, () => newId());
    for (const id of ids) assert.match(id, UUID_V4);
    assert.equal(new Set(ids).size, ids.length);
  });

  it("uses every hex digit in the random positions (no stuck nibble)", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i++) for (const c of newId().replaceAll("-", "")) seen.add(c);
    assert.equal(seen.size, 16);
  });
});
