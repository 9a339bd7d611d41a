/**
 * Errors to plain objects and back, so a failure crosses threads and processes and comes back as a
 * real instance of its class with the original stack, code, cause chain and extra properties.
 */
import { inspect, types } from "node:util";
import * as tynencErrors from "../errors/errors.js";
import type { JsonSerializer } from "./serializer.js";

export interface ErrorPayload {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  /** An error cause as a payload; any other cause value as `{ value }` in encoded (JSON-safe) form. */
  cause?: ErrorPayload | { value: unknown };
  /** Own enumerable extra properties, in encoded (JSON-safe) form. */
  props?: Record<string, unknown>;
  /** The class to rebuild when it differs from `name` (registered name or constructor name). */
  className?: string;
}

/** How nested values get encoded; the serializer passes one that shares its cycle tracking. */
export interface ErrorEncodingContext {
  registeredName(err: object): string | undefined;
  /** Encodes one property value; throws when it cannot be serialized (the property is then dropped). */
  encodeNested(value: unknown, key: string): unknown;
}

/** A cause chain longer than this is cut: it is either a loop or nobody will read that far. */
const MAX_CAUSE_DEPTH = 20;
const RESERVED_KEYS: ReadonlySet<string> = new Set(["name", "message", "stack", "cause"]);

type ErrorClass = abstract new (...args: any[]) => Error;

const TYNENC_CLASSES: ReadonlyMap<string, ErrorClass> = new Map(
  (Object.values(tynencErrors) as unknown[])
    .filter((value): value is ErrorClass => typeof value === "function" && value.prototype instanceof Error)
    .map((cls) => [cls.name, cls]),
);

const BUILTIN_CLASSES: ReadonlyMap<string, ErrorClass> = new Map<string, ErrorClass>(
  [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError].map(
    (cls) => [cls.name, cls],
  ),
);

export function isError(value: unknown): value is Error {
  return value instanceof Error || types.isNativeError(value);
}

/** Encodes any thrown value; see `JsonSerializer.encodeError` for the cycle-safe entry point. */
export function encodeError(err: unknown, serializer: JsonSerializer): ErrorPayload {
  return serializer.encodeError(err);
}

export function encodeErrorWith(
  err: unknown,
  context: ErrorEncodingContext,
  depth = 0,
  seen: Set<unknown> = new Set(),
): ErrorPayload {
  if (!isError(err)) return encodeThrownValue(err, context);
  seen.add(err);
  const fields = err as Error & { code?: unknown };
  const payload: ErrorPayload = { name: String(fields.name), message: String(fields.message) };
  if (typeof fields.stack === "string") payload.stack = fields.stack;
  if (typeof fields.code === "string") payload.code = fields.code;
  const className = context.registeredName(err) ?? constructorName(err);
  if (className !== undefined && className !== payload.name) payload.className = className;
  const props = encodeProps(err, context, typeof fields.code === "string");
  if (props !== undefined) payload.props = props;
  if (Object.hasOwn(err, "cause")) {
    const cause = encodeCause(err.cause, context, depth, seen);
    if (cause !== undefined) payload.cause = cause;
  }
  return payload;
}

/** `throw "boom"` and friends: an Error whose message describes the value, kept as `thrown`. */
function encodeThrownValue(value: unknown, context: ErrorEncodingContext): ErrorPayload {
  const message =
    typeof value === "string"
      ? value
      : `Non-error value thrown: ${inspect(value, { depth: 2, breakLength: Infinity }).slice(0, 200)}`;
  const payload: ErrorPayload = { name: "Error", message };
  const thrown = tryEncode(value, "thrown", context);
  if (thrown !== DROPPED) payload.props = { thrown };
  return payload;
}

function encodeProps(
  err: Error,
  context: ErrorEncodingContext,
  codeIsField: boolean,
): Record<string, unknown> | undefined {
  const keys = Object.keys(err);
  // AggregateError keeps its `errors` as a non-enumerable own property.
  if (err instanceof AggregateError && !keys.includes("errors")) keys.push("errors");
  let props: Record<string, unknown> | undefined;
  for (const key of keys) {
    if (RESERVED_KEYS.has(key) || (codeIsField && key === "code")) continue;
    const value = tryEncode(() => (err as unknown as Record<string, unknown>)[key], key, context, true);
    if (value === DROPPED) continue;
    props ??= {};
    Object.defineProperty(props, key, { value, writable: true, enumerable: true, configurable: true });
  }
  return props;
}

function encodeCause(
  cause: unknown,
  context: ErrorEncodingContext,
  depth: number,
  seen: Set<unknown>,
): ErrorPayload | { value: unknown } | undefined {
  if (depth + 1 >= MAX_CAUSE_DEPTH || seen.has(cause)) return undefined;
  if (isError(cause)) return encodeErrorWith(cause, context, depth + 1, seen);
  const value = tryEncode(cause, "cause", context);
  return value === DROPPED ? undefined : { value };
}

const DROPPED: unique symbol = Symbol("dropped");

/** Error payloads are best effort: a property that cannot be serialized (or whose getter throws) is left out. */
function tryEncode(source: unknown, key: string, context: ErrorEncodingContext, isGetter = false): unknown {
  try {
    const value = isGetter ? (source as () => unknown)() : source;
    return context.encodeNested(value, key);
  } catch {
    return DROPPED;
  }
}

function constructorName(err: object): string | undefined {
  const ctor: unknown = Object.getPrototypeOf(err)?.constructor;
  return typeof ctor === "function" && ctor.name !== "" ? ctor.name : undefined;
}

export function decodeError(payload: ErrorPayload, serializer: JsonSerializer): Error {
  return decodeErrorAt(payload, serializer, 0);
}

function decodeErrorAt(payload: ErrorPayload, serializer: JsonSerializer, depth: number): Error {
  // Payloads come from storage or another process: tolerate a damaged one rather than lose the failure.
  const fields: Partial<ErrorPayload> = typeof payload === "object" && payload !== null ? payload : {};
  const name = typeof fields.name === "string" ? fields.name : "Error";
  const message = typeof fields.message === "string" ? fields.message : "";
  const props = decodeProps(fields.props, serializer);
  const cls = resolveClass([fields.className, name], serializer);
  const err = construct(cls, message, props);
  if (err.name !== name) defineVisible(err, "name", name);
  defineHidden(err, "stack", typeof fields.stack === "string" ? fields.stack : `${name}: ${message}`);
  if (typeof fields.code === "string") defineVisible(err, "code", fields.code);
  for (const [key, value] of props) {
    if (!(key === "errors" && err instanceof AggregateError)) defineVisible(err, key, value);
  }
  if (typeof fields.cause === "object" && fields.cause !== null && depth + 1 < MAX_CAUSE_DEPTH) {
    defineHidden(err, "cause", decodeCause(fields.cause, serializer, depth));
  }
  return err;
}

function decodeCause(cause: NonNullable<ErrorPayload["cause"]>, serializer: JsonSerializer, depth: number) {
  return "value" in cause ? serializer.decodeValue(cause.value) : decodeErrorAt(cause, serializer, depth + 1);
}

function decodeProps(props: unknown, serializer: JsonSerializer): Map<string, unknown> {
  const decoded = new Map<string, unknown>();
  if (typeof props !== "object" || props === null) return decoded;
  for (const key of Object.keys(props)) {
    try {
      decoded.set(key, serializer.decodeValue((props as Record<string, unknown>)[key]));
    } catch {
      // Best effort, as when encoding: one bad property must not hide the error itself.
    }
  }
  return decoded;
}

/** Registered classes first, then tynenc's own error tree, then the built-in constructors. */
function resolveClass(names: ReadonlyArray<string | undefined>, serializer: JsonSerializer): ErrorClass {
  for (const name of names) {
    if (typeof name !== "string") continue;
    const registered = serializer.registry.byName(name);
    if (registered !== undefined && registered.prototype instanceof Error) {
      return registered.cls as ErrorClass;
    }
    const known = TYNENC_CLASSES.get(name) ?? BUILTIN_CLASSES.get(name);
    if (known !== undefined) return known;
  }
  return Error;
}

/**
 * Builds a real native error (so `util.types.isNativeError` holds) whose prototype is `cls`, without
 * running `cls`'s constructor, which may need arguments the payload does not have.
 */
function construct(cls: ErrorClass, message: string, props: Map<string, unknown>): Error {
  if (cls === AggregateError || cls.prototype instanceof AggregateError) {
    const errors = props.get("errors");
    return Reflect.construct(AggregateError, [Array.isArray(errors) ? errors : [], message], cls) as Error;
  }
  return Reflect.construct(Error, [message], cls) as Error;
}

function defineHidden(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: false, configurable: true });
}

/** Like a class field: own, writable and enumerable (tynenc's `code` is a field). */
function defineVisible(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}
