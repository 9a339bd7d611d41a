/**
 * Large arguments and results by reference: a value whose text is above the threshold is stored once
 * in the data store under the SHA-256 of its text, and the invocation keeps a small `ref` envelope
 * instead. Small values cost one length check on the way in and one substring test on the way out.
 */
import { ConfigError, SerializationError } from "../errors/errors.js";
import { sha256Hex } from "../serializer/args.js";
import { isPromise, type Awaitable } from "../util/awaitable.js";
import type { DataStore } from "./data-store.js";
import { arrayElementSpans } from "./json-array.js";
import { mayContainReference, referenceKey, referenceText } from "./reference.js";
import { TextCache } from "./text-cache.js";

export interface LargeValueOptions {
  /** Texts longer than this many UTF-8 bytes are stored by reference; 0 keeps everything inline. */
  thresholdBytes: number;
  /** Bound of this process's cache of resolved texts; default 64 MiB. */
  cacheBytes?: number;
}

export interface ExternalizedArgs {
  readonly serialized: string;
  /** Data store keys the new text refers to, each once (empty when nothing was large). */
  readonly keys: string[];
  /**
   * With an asynchronous store: settles once every referenced text is stored (the text must not be
   * registered before). Absent when the store answered at once.
   */
  readonly saved?: Promise<void>;
}

export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;

/** A text replaced by a reference: `[start, end)` of the original, and the key of its content. */
interface Replacement {
  readonly start: number;
  readonly end: number;
  readonly key: string;
}

export class LargeValues {
  private readonly threshold: number;
  private readonly cache: TextCache;

  constructor(
    readonly store: DataStore,
    options: LargeValueOptions,
  ) {
    this.threshold = checkSize("thresholdBytes", options.thresholdBytes);
    this.cache = new TextCache(checkSize("cacheBytes", options.cacheBytes ?? DEFAULT_CACHE_BYTES));
  }

  get thresholdBytes(): number {
    return this.threshold;
  }

  /**
   * Replaces each argument whose text is above the threshold by a reference (unless its 0-based index
   * is in `inline`) and stores its text once. The new text is known at once (keys are content hashes);
   * with an asynchronous store the writes finish when `saved` settles.
   */
  externalizeArgs(serializedArgs: string, inline?: ReadonlySet<number>): ExternalizedArgs {
    // Nothing inside the array can be larger than the whole array.
    if (!this.isLarge(serializedArgs, 0, serializedArgs.length))
      return { serialized: serializedArgs, keys: [] };
    const spans = arrayElementSpans(serializedArgs);
    if (spans === undefined) return { serialized: serializedArgs, keys: [] };
    const replacements: Replacement[] = [];
    const texts = new Map<string, string>();
    for (let index = 0; index * 2 < spans.length; index++) {
      const start = spans[index * 2]!;
      const end = spans[index * 2 + 1]!;
      if (inline?.has(index) || !this.isLarge(serializedArgs, start, end)) continue;
      const text = serializedArgs.slice(start, end);
      const key = this.keyOf(text);
      texts.set(key, text);
      replacements.push({ start, end, key });
    }
    if (replacements.length === 0) return { serialized: serializedArgs, keys: [] };
    const result = { serialized: splice(serializedArgs, replacements), keys: [...texts.keys()] };
    const saved = allSettled([...texts].map(([key, text]) => this.save(key, text)));
    if (saved === undefined) return result;
    saved.then(undefined, () => undefined); // the registration that waits for it reports a failure
    return { ...result, saved };
  }

  /** The inverse of `externalizeArgs`: the text with every reference replaced by the stored text. */
  resolveArgs(serialized: string): Awaitable<string> {
    // Also when the threshold is 0 now: texts written under another configuration may hold references.
    if (!mayContainReference(serialized)) return serialized;
    const spans = arrayElementSpans(serialized);
    if (spans === undefined) return serialized;
    const replacements: Replacement[] = [];
    for (let i = 0; i < spans.length; i += 2) {
      const key = referenceKey(serialized, spans[i], spans[i + 1]);
      if (key !== undefined) replacements.push({ start: spans[i]!, end: spans[i + 1]!, key });
    }
    if (replacements.length === 0) return serialized;
    const texts = replacements.map((r) => this.load(r.key));
    if (!texts.some(isPromise)) return splice(serialized, replacements, texts as string[]);
    return Promise.all(texts.map(async (text) => text)).then((loaded) =>
      splice(serialized, replacements, loaded),
    );
  }

  /**
   * A result (or error payload) text above the threshold -> a reference to it, stored once; `key` is
   * the data store key it refers to (absent when the text stays inline).
   */
  externalizeResult(serialized: string): Awaitable<{ text: string; key?: string }> {
    if (!this.isLarge(serialized, 0, serialized.length)) return { text: serialized };
    const key = this.keyOf(serialized);
    const result = { text: referenceText(key), key };
    const saved = this.save(key, serialized);
    return isPromise(saved) ? saved.then(() => result) : result;
  }

  resolveResult(serialized: string): Awaitable<string> {
    const key = referenceKey(serialized);
    return key === undefined ? serialized : this.load(key);
  }

  /** Empties the data store and this process's cache. */
  purge(): Awaitable<void> {
    this.cache.clear();
    return this.store.purge();
  }

  /** Forgets cached texts (the data store keeps them). */
  clearCache(): void {
    this.cache.clear();
  }

  /** Exact UTF-8 size test that only measures bytes when the length alone cannot tell. */
  private isLarge(text: string, start: number, end: number): boolean {
    const length = end - start;
    if (this.threshold === 0 || length * 3 <= this.threshold) return false;
    if (length > this.threshold) return true;
    return (
      Buffer.byteLength(start === 0 && end === text.length ? text : text.slice(start, end)) > this.threshold
    );
  }

  private keyOf(text: string): string {
    return this.cache.keyOf(text) ?? sha256Hex(text);
  }

  /**
   * One reference more to the text, storing it if it is not there: `retain` first, so a network store
   * transfers a value that is already there only once.
   */
  private save(key: string, text: string): Awaitable<void> {
    this.cache.set(key, text);
    const kept = this.store.retain(key);
    if (isPromise(kept)) return kept.then((found) => (found ? undefined : this.store.put(key, text)));
    return kept ? undefined : this.store.put(key, text);
  }

  private load(key: string): Awaitable<string> {
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const found = this.store.get(key);
    return isPromise(found) ? found.then((text) => this.loaded(key, text)) : this.loaded(key, found);
  }

  private loaded(key: string, text: string | undefined): string {
    if (text === undefined) throw missingValue(key);
    this.cache.set(key, text);
    return text;
  }
}

function missingValue(key: string): SerializationError {
  return new SerializationError(
    `Cannot read a large value: the data store has no entry "${key}". It was purged (or removed by ` +
      "retention), or it was written through another backend's data store; every process of an app " +
      "must use the same backend. Call the task again to store the value again",
  );
}

function checkSize(option: string, value: number | undefined): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new ConfigError(
      `LargeValues: ${option} must be a whole number of bytes >= 0, got ${String(value)}` +
        (option === "thresholdBytes" ? " (0 keeps every value inline)" : ""),
    );
  }
  return value;
}

/** `text` with each replaced range swapped for its reference, or for `texts[i]` when given. */
function splice(text: string, replacements: readonly Replacement[], texts?: readonly string[]): string {
  let out = "";
  let from = 0;
  replacements.forEach((r, i) => {
    out += text.slice(from, r.start) + (texts ? texts[i]! : referenceText(r.key));
    from = r.end;
  });
  return out + text.slice(from);
}

/** Undefined when every write finished synchronously, else a promise of them all. */
function allSettled(writes: Awaitable<void>[]): Promise<void> | undefined {
  const pending = writes.filter(isPromise);
  return pending.length === 0 ? undefined : Promise.all(pending).then(() => undefined);
}
