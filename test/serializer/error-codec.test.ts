import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { types } from "node:util";
import * as tynencErrors from "../../src/errors/errors.js";
import { ConfigError, TynencError, WaitCycleError } from "../../src/errors/errors.js";
import { decodeError, encodeError, JsonSerializer, type ErrorPayload } from "../../src/serializer/index.js";

const serializer = new JsonSerializer();

/** Through text, as a payload really travels between processes. */
function roundTrip(err: unknown, using = serializer): Error {
  const payload = JSON.parse(JSON.stringify(encodeError(err, using))) as ErrorPayload;
  return decodeError(payload, using);
}

function causeDepth(err: unknown): number {
  let depth = 0;
  for (
    let current = err;
    current instanceof Error && Object.hasOwn(current, "cause");
    current = current.cause
  )
    depth++;
  return depth;
}

void describe("error codec: classes", () => {
  void it("rebuilds the built-in error classes with message and original stack", () => {
    for (const Cls of [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError]) {
      const original = new Cls("went wrong");
      const back = roundTrip(original);
      assert.equal(Object.getPrototypeOf(back), Cls.prototype, Cls.name);
      assert.equal(back.message, "went wrong");
      assert.equal(back.name, Cls.name);
      assert.equal(back.stack, original.stack);
      assert.ok(types.isNativeError(back));
    }
  });

  void it("rebuilds AggregateError with its errors", () => {
    const original = new AggregateError([new TypeError("a"), new RangeError("b")], "both failed");
    const back = roundTrip(original) as AggregateError;
    assert.ok(back instanceof AggregateError);
    assert.equal(back.message, "both failed");
    assert.equal(back.errors.length, 2);
    assert.ok(back.errors[0] instanceof TypeError);
    assert.ok(back.errors[1] instanceof RangeError);
    assert.equal(back.errors[1].message, "b");
  });

  void it("rebuilds every tynenc error class with its code", () => {
    const classes = Object.values(tynencErrors).filter(
      (value): value is typeof TynencError => typeof value === "function" && value.prototype instanceof Error,
    );
    assert.ok(classes.length >= 10);
    for (const Cls of classes) {
      const original = new Cls("boom");
      const back = roundTrip(original) as TynencError;
      assert.equal(Object.getPrototypeOf(back), Cls.prototype, Cls.name);
      assert.ok(back instanceof TynencError);
      assert.equal(back.code, original.code, Cls.name);
      assert.equal(back.name, Cls.name);
      assert.equal(back.stack, original.stack);
    }
  });

  void it("keeps the stored code of a tynenc error, not the class default", () => {
    const payload = { ...encodeError(new ConfigError("x"), serializer), code: "CUSTOM_CODE" };
    const back = decodeError(payload, serializer);
    assert.ok(back instanceof ConfigError);
    assert.equal(back.code, "CUSTOM_CODE");
  });

  void it("keeps the extra fields of tynenc errors", () => {
    const back = roundTrip(new WaitCycleError("cycle", ["a", "b", "a"])) as WaitCycleError;
    assert.ok(back instanceof WaitCycleError);
    assert.deepEqual(back.cycle, ["a", "b", "a"]);
    assert.equal(back.code, "WAIT_CYCLE");
  });

  void it("falls back to a plain Error named like the original", () => {
    class HttpError extends Error {
      override name = "HttpError";
      code = "E_HTTP";
      status = 503;
    }
    const back = roundTrip(new HttpError("down"));
    assert.equal(Object.getPrototypeOf(back), Error.prototype);
    assert.equal(back.name, "HttpError");
    assert.equal((back as Error & { code: string }).code, "E_HTTP");
    assert.equal((back as Error & { status: number }).status, 503);
    assert.equal(String(back), "HttpError: down");
  });

  void it("uses the class of a renamed built-in error", () => {
    const original = new TypeError("bad type");
    original.name = "ValidationFailure";
    const back = roundTrip(original);
    assert.ok(back instanceof TypeError);
    assert.equal(back.name, "ValidationFailure");
  });

  void it("rebuilds a registered error subclass", () => {
    class QuotaError extends Error {
      constructor(readonly limit: number) {
        super(`over ${limit}`);
        this.name = "QuotaError";
      }
      describe(): string {
        return `limit ${this.limit}`;
      }
    }
    const local = new JsonSerializer().registerClass(QuotaError);
    const original = new QuotaError(10);
    const back = roundTrip(original, local) as QuotaError;
    assert.ok(back instanceof QuotaError);
    assert.equal(back.describe(), "limit 10");
    assert.equal(back.stack, original.stack);
    const viaText = local.deserialize(local.serialize({ e: original })) as { e: QuotaError };
    assert.ok(viaText.e instanceof QuotaError);
    assert.equal(viaText.e.limit, 10);
  });
});

void describe("error codec: cause, props and odd values", () => {
  void it("keeps the cause chain, errors and plain values alike", () => {
    const root = new TypeError("root");
    const middle = new ConfigError("middle", { cause: root });
    const top = new Error("top", { cause: middle });
    const back = roundTrip(top);
    assert.ok(back.cause instanceof ConfigError);
    assert.equal(back.cause.code, "CONFIG_INVALID");
    assert.ok(back.cause.cause instanceof TypeError);
    assert.equal(back.cause.cause.stack, root.stack);
    const withValue = roundTrip(new Error("x", { cause: { at: new Date(7), n: undefined } }));
    assert.deepEqual(withValue.cause, { at: new Date(7), n: undefined });
    assert.equal(Object.getOwnPropertyDescriptor(back, "cause")?.enumerable, false);
  });

  void it("cuts long and looping cause chains", () => {
    let chain = new Error("0");
    for (let i = 1; i < 50; i++) chain = new Error(String(i), { cause: chain });
    const depth = causeDepth(roundTrip(chain));
    assert.ok(depth >= 15 && depth <= 20, `depth ${depth}`);
    const loop = new Error("loop");
    (loop as { cause?: unknown }).cause = loop;
    assert.ok(causeDepth(roundTrip(loop)) <= 20);
  });

  void it("keeps serializable extra properties and drops the others", () => {
    const err = Object.assign(new Error("with props"), {
      when: new Date(9),
      tags: new Set(["a"]),
      callback: () => 1,
      socket: new WeakMap(),
    });
    const back = roundTrip(err) as unknown as Record<string, unknown>;
    assert.deepEqual(back.when, new Date(9));
    assert.deepEqual(back.tags, new Set(["a"]));
    assert.ok(!("callback" in back));
    assert.ok(!("socket" in back));
  });

  void it("does not loop on errors that reference themselves", () => {
    const err = new Error("self") as Error & { context?: unknown };
    err.context = { err, ok: 1 };
    const back = roundTrip(err);
    assert.equal(back.message, "self");
    const viaText = serializer.deserialize(serializer.serialize([err])) as Error[];
    assert.equal(viaText[0]?.message, "self");
  });

  void it("encodes non-error throwables as errors", () => {
    const fromString = roundTrip("plain string");
    assert.ok(fromString instanceof Error);
    assert.equal(fromString.message, "plain string");
    const fromObject = roundTrip({ reason: "nope", at: new Date(1) }) as Error & { thrown: unknown };
    assert.ok(fromObject instanceof Error);
    assert.match(fromObject.message, /^Non-error value thrown: .*reason/);
    assert.deepEqual(fromObject.thrown, { reason: "nope", at: new Date(1) });
    assert.match(roundTrip(undefined).message, /undefined/);
  });

  void it("encodes to a JSON-safe payload", () => {
    const payload = encodeError(new ConfigError("bad", { cause: 5n }), serializer);
    assert.deepEqual(JSON.parse(JSON.stringify(payload)), payload);
    assert.equal(payload.name, "ConfigError");
    assert.equal(payload.code, "CONFIG_INVALID");
  });

  void it("tolerates damaged payloads", () => {
    const back = decodeError({ props: { x: { $tyn: "nope" } } } as unknown as ErrorPayload, serializer);
    assert.ok(back instanceof Error);
    assert.equal(back.name, "Error");
  });
});
