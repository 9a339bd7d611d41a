import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SerializationError } from "../../src/errors/errors.js";
import { JsonSerializer } from "../../src/serializer/index.js";

const serializer = new JsonSerializer();
const roundTrip = (value: unknown): unknown => serializer.deserialize(serializer.serialize(value));

function assertRejects(value: unknown, message: RegExp, where?: string): void {
  assert.throws(
    () => serializer.serialize(value, where),
    (error: unknown) => {
      assert.ok(error instanceof SerializationError, `expected SerializationError, got ${String(error)}`);
      assert.match(error.message, message);
      return true;
    },
  );
}

void describe("JsonSerializer round trips", () => {
  void it("keeps primitives", () => {
    for (const value of [0, 20, -7, 1.5, 1e300, -1e-300, "", "text", "é\u2028\ud800", true, false, null]) {
      assert.equal(roundTrip(value), value);
    }
  });

  void it("keeps undefined at the top, in arrays and as an object property", () => {
    assert.equal(roundTrip(undefined), undefined);
    assert.deepEqual(roundTrip([1, undefined, 3]), [1, undefined, 3]);
    const object = roundTrip({ a: undefined, b: 1 }) as Record<string, unknown>;
    assert.ok(Object.hasOwn(object, "a"), "key a must be present");
    assert.equal(object.a, undefined);
    assert.deepEqual(object, { a: undefined, b: 1 });
  });

  void it("keeps NaN, the infinities and -0", () => {
    assert.ok(Number.isNaN(roundTrip(NaN)));
    assert.equal(roundTrip(Infinity), Infinity);
    assert.equal(roundTrip(-Infinity), -Infinity);
    assert.ok(Object.is(roundTrip(-0), -0));
    assert.ok(Object.is(roundTrip(0), 0));
    assert.deepEqual(roundTrip({ n: [NaN, -0, Infinity] }), { n: [NaN, -0, Infinity] });
  });

  void it("keeps bigint", () => {
    assert.equal(roundTrip(12345678901234567890123n), 12345678901234567890123n);
    assert.deepEqual(roundTrip([-1n, 0n]), [-1n, 0n]);
  });

  void it("keeps dates, invalid ones too", () => {
    const date = new Date("2024-02-29T12:34:56.789Z");
    const back = roundTrip(date);
    assert.ok(back instanceof Date);
    assert.equal(back.getTime(), date.getTime());
    const invalid = roundTrip(new Date(NaN));
    assert.ok(invalid instanceof Date);
    assert.ok(Number.isNaN(invalid.getTime()));
  });

  void it("keeps maps with any keys, sets and regexps", () => {
    const key = { id: 1 };
    const map = new Map<unknown, unknown>([
      [key, "object key"],
      [1, new Set([1, "1", undefined])],
      [undefined, null],
      [new Date(5), /a+b/gimsuy],
    ]);
    const back = roundTrip(map) as Map<unknown, unknown>;
    assert.deepEqual(back, map);
    assert.deepEqual([...back.keys()], [key, 1, undefined, new Date(5)]);
    const regexp = roundTrip(/x\/y/g) as RegExp;
    assert.ok(regexp instanceof RegExp);
    assert.equal(regexp.source, "x\\/y");
    assert.equal(regexp.flags, "g");
  });

  void it("keeps every typed array, ArrayBuffer, DataView and Buffer", () => {
    const values = [
      new Int8Array([-1, 2]),
      new Uint8Array([255, 0]),
      new Uint8ClampedArray([1, 255]),
      new Int16Array([-300, 300]),
      new Uint16Array([65535]),
      new Int32Array([-1, 2 ** 31 - 1]),
      new Uint32Array([2 ** 32 - 1]),
      new Float32Array([1.5, NaN, -0]),
      new Float64Array([Math.PI, -Infinity]),
      new BigInt64Array([-(2n ** 63n)]),
      new BigUint64Array([2n ** 64n - 1n]),
      new Uint8Array([1, 2, 3]).buffer,
      new DataView(new Uint8Array([9, 8]).buffer),
      Buffer.from("hello, world"),
    ];
    for (const value of values) {
      const back = roundTrip(value);
      assert.equal(Object.getPrototypeOf(back), Object.getPrototypeOf(value));
      assert.deepEqual(back, value);
    }
  });

  void it("encodes only the bytes a view covers", () => {
    const whole = new Uint16Array([1, 2, 3, 4]);
    const view = new Uint16Array(whole.buffer, 2, 2);
    const back = roundTrip(view) as Uint16Array;
    assert.deepEqual([...back], [2, 3]);
    assert.equal(back.buffer.byteLength, 4);
  });

  void it("keeps nested plain data and arrays; holes become undefined", () => {
    const value = { list: [1, { deep: [true, null, "x"] }], empty: {}, none: [] };
    assert.deepEqual(roundTrip(value), value);
    // eslint-disable-next-line no-sparse-arrays
    assert.deepEqual(roundTrip([1, , 3]), [1, undefined, 3]);
  });

  void it("keeps null-prototype objects and an own __proto__ key", () => {
    const bare = Object.assign(Object.create(null) as object, { a: 1, d: new Date(1) });
    const back = roundTrip(bare) as object;
    assert.equal(Object.getPrototypeOf(back), null);
    assert.deepEqual(back, bare);
    const tricky = JSON.parse('{"__proto__": {"polluted": true}, "d": 1}') as object;
    const trickyBack = roundTrip({ ...tricky, when: new Date(0) }) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(trickyBack), Object.prototype);
    assert.ok(Object.hasOwn(trickyBack, "__proto__"));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  void it("keeps errors nested inside values", () => {
    const error = new RangeError("too big");
    const back = roundTrip({ failure: error }) as { failure: Error };
    assert.ok(back.failure instanceof RangeError);
    assert.equal(back.failure.stack, error.stack);
  });

  void it("duplicates shared references that are not cycles", () => {
    const shared = { when: new Date(3) };
    const back = roundTrip([shared, shared]) as unknown[];
    assert.deepEqual(back, [shared, shared]);
    assert.notEqual(back[0], back[1]);
  });
});

void describe("JsonSerializer fast paths", () => {
  void it("writes plain JSON data exactly as JSON.stringify does", () => {
    for (const value of [20, -1.25, "s", true, null, [20], { a: 1, b: "x" }, [{ a: [1, 2] }]]) {
      assert.equal(serializer.serialize(value), JSON.stringify(value));
    }
  });

  void it("leaves no envelope in text for plain data", () => {
    assert.ok(!serializer.serialize({ a: [1, "x"], b: { c: null } }).includes("$tyn"));
    assert.ok(serializer.serialize({ a: new Date(0) }).includes('"$tyn"'));
  });

  void it("writes short number arrays exactly as JSON.stringify does", () => {
    const arrays = [
      [],
      [20],
      [1, -2.5, 1e21, 5e-7, Number.MAX_SAFE_INTEGER],
      Array.from({ length: 40 }, (_, i) => i),
    ];
    for (const value of arrays) assert.equal(serializer.serialize(value), JSON.stringify(value));
    assert.deepEqual(roundTrip([1, -0, NaN]), [1, -0, NaN]);
  });

  void it("reads integers and integer lists with the same rules as JSON", () => {
    const texts = [
      "0",
      "-42",
      "20",
      "999999999999999",
      "1234567890123456789",
      "[20]",
      "[1,-2,30]",
      "[0]",
      "[]",
      "[1.5,2]",
      "[1e3]",
      "[ 1 ]",
    ];
    for (const text of texts) assert.deepEqual(serializer.deserialize(text), JSON.parse(text), text);
    for (const text of ["012", "-", "+1", "[01]", "[1,]", "[,1]", "[1,,2]", "[1]]", "1x", "[-]"]) {
      assert.throws(() => serializer.deserialize(text), SerializationError, text);
    }
  });

  void it("survives deep plain data beyond the fast-path depth", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = { next: deep };
    assert.deepEqual(roundTrip(deep), deep);
  });
});

void describe("JsonSerializer tag escaping", () => {
  void it("never mistakes user objects that own the tag key for envelopes", () => {
    const lookalikes = [
      { $tyn: "date", v: 0 },
      { $tyn: "u" },
      { $tyn: "esc", v: { $tyn: "num", v: "NaN" } },
      { nested: [{ $tyn: "cls", n: "Nope", v: {} }] },
      new Map([["k", { $tyn: "big", v: "1" }]]),
    ];
    for (const value of lookalikes) assert.deepEqual(roundTrip(value), value);
  });

  void it("escapes a null-prototype object with the tag key", () => {
    const bare = Object.assign(Object.create(null) as object, { $tyn: "u" });
    const back = roundTrip(bare) as object;
    assert.equal(Object.getPrototypeOf(back), null);
    assert.deepEqual(back, bare);
  });

  void it("keeps strings that contain the tag", () => {
    for (const value of ["$tyn", '"$tyn"', { k: "$tyn" }, ['{"$tyn":"u"}']])
      assert.deepEqual(roundTrip(value), value);
  });
});

void describe("JsonSerializer rejections", () => {
  void it("rejects functions with the path and the caller's description", () => {
    assertRejects(
      { handler: () => 1 },
      /^Cannot serialize argument 2 of task "fib" at \.handler: functions cannot be serialized; pass data, not code$/,
      'argument 2 of task "fib"',
    );
    assertRejects(
      [[1, { cb() {} }]],
      /^Cannot serialize value at \[0\]\[1\]\.cb: functions cannot be serialized/,
    );
    assertRejects(() => 1, /^Cannot serialize value: functions cannot be serialized/);
    assertRejects({ "odd key": () => 1 }, /at \["odd key"\]: functions/);
  });

  void it("rejects symbols, weak collections and promises", () => {
    assertRejects({ s: Symbol("x") }, /at \.s: symbols cannot be serialized/);
    assertRejects({ w: new WeakMap() }, /at \.w: a WeakMap cannot be serialized.*use a Map/);
    assertRejects([new WeakSet()], /at \[0\]: a WeakSet cannot be serialized.*use a Set/);
    assertRejects(
      { p: Promise.resolve(1) },
      /at \.p: a Promise cannot be serialized; await it/,
      'result of task "x"',
    );
  });

  void it("rejects instances of unregistered classes and says how to register", () => {
    class Point {
      x = 1;
    }
    assertRejects(
      { at: new Point() },
      /at \.at: instances of class Point cannot be serialized.*serializer\.registerClass\(Point\) \/ app\.registerClass\(Point\)/,
    );
    class MyMap extends Map {}
    assertRejects(new MyMap(), /class MyMap cannot be serialized/);
  });

  void it("rejects values inside maps and sets with a readable path", () => {
    assertRejects(new Map([["id", () => 1]]), /value at \.get\("id"\): functions/);
    assertRejects(new Set([1, Symbol()]), /value at <Set item #1>: symbols/);
  });

  void it("rejects cycles and names where they close", () => {
    const node: Record<string, unknown> = { a: {} };
    (node.a as Record<string, unknown>).self = node.a;
    assertRejects(
      node,
      /^Cannot serialize value at \.a\.self: it refers back to value at \.a, which contains it \(a cycle\)/,
    );
    const list: unknown[] = [];
    list.push({ back: list });
    assertRejects(
      list,
      /at \[0\]\.back: it refers back to result of task "t", which contains it/,
      'result of task "t"',
    );
    const map = new Map<string, unknown>();
    map.set("me", map);
    assertRejects(map, /at \.get\("me"\): it refers back to value,/);
  });
});

void describe("JsonSerializer deserialize errors", () => {
  void it("reports text that is not JSON", () => {
    assert.throws(
      () => serializer.deserialize("{oops"),
      (error: unknown) => {
        assert.ok(error instanceof SerializationError);
        assert.match(error.message, /not JSON/);
        return true;
      },
    );
  });

  void it("reports unknown and malformed envelopes", () => {
    assert.throws(() => serializer.deserialize('{"$tyn":"nope"}'), /unknown envelope kind "nope"/);
    assert.throws(() => serializer.deserialize('{"$tyn":"date","v":"x"}'), /malformed "date" envelope/);
    assert.throws(
      () => serializer.deserialize('{"$tyn":"ta","v":{"t":"Evil","b":""}}'),
      /unknown typed array/,
    );
  });

  void it("does not modify the data given to decodeValue", () => {
    const data = serializer.encodeValue({ a: undefined, nested: { $tyn: "u" } });
    const snapshot = JSON.stringify(data);
    assert.deepEqual(serializer.decodeValue(data), { a: undefined, nested: { $tyn: "u" } });
    assert.equal(JSON.stringify(data), snapshot);
    assert.deepEqual(serializer.decodeValue(data), { a: undefined, nested: { $tyn: "u" } });
  });
});
