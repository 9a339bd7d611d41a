import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { SerializationError } from "../../src/errors/errors.js";
import { decodeArgs, encodeArgs, JsonSerializer, NO_ARGS_ID } from "../../src/serializer/index.js";

const serializer = new JsonSerializer();
const idOf = (...args: unknown[]): string => encodeArgs(args, serializer, "t").argsId;

void describe("encodeArgs", () => {
  void it("gives no_args for no arguments and for only undefined ones", () => {
    assert.equal(NO_ARGS_ID, "no_args");
    assert.deepEqual(encodeArgs([], serializer, "t"), { serialized: "[]", argsId: "no_args" });
    assert.equal(idOf(undefined, undefined), "no_args");
  });

  void it("drops trailing undefined arguments only", () => {
    assert.deepEqual(encodeArgs([1, undefined], serializer, "t"), encodeArgs([1], serializer, "t"));
    assert.equal(encodeArgs([1, undefined], serializer, "t").serialized, "[1]");
    assert.notEqual(idOf(undefined, 1), idOf(1));
  });

  void it("hashes the serialized text with SHA-256 when key order cannot matter", () => {
    const { serialized, argsId } = encodeArgs([20], serializer, "fib");
    assert.equal(serialized, "[20]");
    assert.equal(argsId, createHash("sha256").update("[20]").digest("hex"));
    assert.match(idOf({ a: 1, b: 2 }), /^[0-9a-f]{64}$/);
  });

  void it("ignores plain-object key order in the id but keeps it in the text", () => {
    const ab = encodeArgs([{ a: 1, b: 2 }], serializer, "t");
    const ba = encodeArgs([{ b: 2, a: 1 }], serializer, "t");
    assert.equal(ab.argsId, ba.argsId);
    assert.equal(ba.serialized, '[{"b":2,"a":1}]');
    assert.equal(ab.serialized, '[{"a":1,"b":2}]');
    assert.equal(ba.argsId, createHash("sha256").update(ab.serialized).digest("hex"));
  });

  void it("ignores key order deep inside arrays, maps and beside envelopes", () => {
    assert.equal(idOf([{ x: { d: 1, c: 2 } }], "s"), idOf([{ x: { c: 2, d: 1 } }], "s"));
    assert.equal(idOf(new Map([["k", { b: 1, a: 2 }]])), idOf(new Map([["k", { a: 2, b: 1 }]])));
    assert.equal(idOf({ when: new Date(1), n: 1n }), idOf({ n: 1n, when: new Date(1) }));
  });

  void it("distinguishes different calls", () => {
    const ids = [
      idOf(1),
      idOf("1"),
      idOf(1, 2),
      idOf(2, 1),
      idOf([1, 2]),
      idOf({ a: 1 }),
      idOf({ a: "1" }),
      idOf({ a: 1, b: 2 }),
      idOf({ a: 1, b: 3 }),
      idOf(new Date(1)),
      idOf(1n),
      idOf(null),
      idOf(undefined, null),
      idOf(new Map([[1, 2]])),
      idOf(new Map([[2, 1]])),
    ];
    assert.equal(new Set(ids).size, ids.length);
  });

  void it("names the argument, the task and the path on failure", () => {
    assert.throws(
      () => encodeArgs([1, { cb: () => 1 }], serializer, "fib"),
      (error: unknown) => {
        assert.ok(error instanceof SerializationError);
        assert.equal(
          error.message,
          'Cannot serialize argument 2 of task "fib" at .cb: functions cannot be serialized; pass data, not code',
        );
        return true;
      },
    );
    assert.throws(() => encodeArgs([Symbol("s")], serializer, "job"), {
      name: "SerializationError",
      message: /^Cannot serialize argument 1 of task "job": symbols/,
    });
  });
});

void describe("decodeArgs", () => {
  void it("round trips encoded arguments", () => {
    const args = [20, { when: new Date(2), tags: new Set(["x"]) }, undefined, "last"];
    assert.deepEqual(decodeArgs(encodeArgs(args, serializer, "t").serialized, serializer), args);
    assert.deepEqual(decodeArgs(encodeArgs([], serializer, "t").serialized, serializer), []);
  });

  void it("rejects stored text that is not an argument list", () => {
    assert.throws(() => decodeArgs('{"a":1}', serializer), /expected an array, got object/);
  });
});
