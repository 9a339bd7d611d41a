import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, SerializationError } from "../../src/errors/errors.js";
import { JsonSerializer } from "../../src/serializer/index.js";

class Point {
  constructor(
    public x: number,
    public y: number,
    public seen: Date = new Date(0),
  ) {}
  length(): number {
    return Math.hypot(this.x, this.y);
  }
}

class Money {
  static fromJSONCalls = 0;
  readonly #cents: bigint;
  constructor(cents: bigint) {
    this.#cents = cents;
  }
  get cents(): bigint {
    return this.#cents;
  }
  toJSON(): { cents: bigint } {
    return { cents: this.#cents };
  }
  static fromJSON(data: { cents: bigint }): Money {
    Money.fromJSONCalls++;
    return new Money(data.cents);
  }
}

/** Two serializers with the same registrations stand for two processes. */
function twoProcesses(register: (serializer: JsonSerializer) => void): [JsonSerializer, JsonSerializer] {
  const writer = new JsonSerializer();
  const reader = new JsonSerializer();
  register(writer);
  register(reader);
  return [writer, reader];
}

void describe("registered classes", () => {
  void it("carries own enumerable properties by default, nested values included", () => {
    const [writer, reader] = twoProcesses((s) => s.registerClass(Point));
    const back = reader.deserialize(writer.serialize({ p: new Point(3, 4, new Date(5)) })) as { p: Point };
    assert.ok(back.p instanceof Point);
    assert.equal(back.p.length(), 5);
    assert.ok(back.p.seen instanceof Date);
    assert.equal(back.p.seen.getTime(), 5);
  });

  void it("uses toJSON and a static fromJSON automatically", () => {
    const [writer, reader] = twoProcesses((s) => s.registerClass(Money));
    const before = Money.fromJSONCalls;
    const back = reader.deserialize(writer.serialize([new Money(12345678901234567890n)])) as Money[];
    assert.ok(back[0] instanceof Money);
    assert.equal(back[0].cents, 12345678901234567890n);
    assert.equal(Money.fromJSONCalls, before + 1);
  });

  void it("uses a custom name, encode and decode", () => {
    const [writer, reader] = twoProcesses((s) =>
      s.registerClass(Point, {
        name: "geo.Point",
        encode: (p): [number, number] => [p.x, p.y],
        decode: ([x, y]) => new Point(x, y, new Date(99)),
      }),
    );
    const text = writer.serialize(new Map([["origin", new Point(0, 1)]]));
    assert.match(text, /"geo\.Point"/);
    assert.match(text, /\[0,1\]/);
    const back = reader.deserialize(text) as Map<string, Point>;
    assert.ok(back.get("origin") instanceof Point);
    assert.equal(back.get("origin")?.seen.getTime(), 99);
  });

  void it("restores an own __proto__ property without touching the prototype", () => {
    class Bag {}
    const [writer, reader] = twoProcesses((s) => s.registerClass(Bag));
    const bag = new Bag();
    Object.defineProperty(bag, "__proto__", { value: { evil: true }, enumerable: true });
    const back = reader.deserialize(writer.serialize(bag)) as Bag;
    assert.equal(Object.getPrototypeOf(back), Bag.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(back, "__proto__")?.value, { evil: true });
  });

  void it("reports whether a class is registered", () => {
    const serializer = new JsonSerializer();
    assert.equal(serializer.isRegistered(Point), false);
    serializer.registerClass(Point);
    assert.equal(serializer.isRegistered(Point), true);
    assert.equal(serializer.isRegistered(Money), false);
  });

  void it("rejects an unregistered subclass of a registered class", () => {
    class Point3 extends Point {}
    const serializer = new JsonSerializer().registerClass(Point);
    assert.throws(() => serializer.serialize(new Point3(1, 2)), /class Point3 cannot be serialized/);
  });

  void it("explains how to register when the reading side does not know the class", () => {
    const text = new JsonSerializer().registerClass(Point).serialize(new Point(1, 1));
    assert.throws(
      () => new JsonSerializer().deserialize(text),
      (error: unknown) =>
        error instanceof SerializationError &&
        /class "Point": it is not registered in this process; register it with serializer\.registerClass\(Point\)/.test(
          error.message,
        ),
    );
  });

  void it("wraps failures of user encode and decode hooks", () => {
    const serializer = new JsonSerializer().registerClass(Point, {
      encode: () => {
        throw new Error("no");
      },
    });
    assert.throws(() => serializer.serialize({ p: new Point(1, 1) }), {
      name: "SerializationError",
      message: /^Cannot serialize value at \.p: encoding class Point threw: Error: no$/,
    });
  });
});

void describe("registerClass validation", () => {
  void it("needs a name", () => {
    const Anonymous = [class {}][0]!;
    assert.equal(Anonymous.name, "");
    assert.throws(() => new JsonSerializer().registerClass(Anonymous), ConfigError);
    assert.doesNotThrow(() => new JsonSerializer().registerClass(Anonymous, { name: "Anon" }));
  });

  void it("refuses one name for two classes and two names for one class", () => {
    const serializer = new JsonSerializer().registerClass(Point);
    assert.doesNotThrow(() => serializer.registerClass(Point));
    const Other = class Point {};
    assert.throws(() => serializer.registerClass(Other), /the name "Point" is already registered/);
    assert.throws(() => serializer.registerClass(Point, { name: "P2" }), /already registered as "Point"/);
  });

  void it("refuses built-ins and non-classes", () => {
    const serializer = new JsonSerializer();
    assert.throws(() => serializer.registerClass(Date), ConfigError);
    assert.throws(() => serializer.registerClass(Object), ConfigError);
    assert.throws(() => serializer.registerClass(42 as never), ConfigError);
  });
});
