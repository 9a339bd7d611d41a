import type { Awaitable } from "../util/awaitable.js";

/**
 * Where large argument and result texts live, once each, under the SHA-256 of their text. Because a
 * key names its content, writing a key that exists never changes its text: concurrent writers of the
 * same value are safe and a value passed to many calls is stored once.
 *
 * Every `put` and every successful `retain` is one reference (an invocation's argument or result that
 * points at the text); `release` gives one back, and a text with no reference left is removed. So
 * retention, which releases the references of the invocations it forgets, also frees their values.
 * Memory answers synchronously; network stores return promises.
 */
export interface DataStore {
  /** Stores `text` under `key` unless the key exists already (its text stays); either way one reference more. */
  put(key: string, text: string): Awaitable<void>;
  /**
   * One reference more to a key that exists, without sending its text: true, or false when the key is
   * not stored (the caller then `put`s it).
   */
  retain(key: string): Awaitable<boolean>;
  /** One reference fewer for each key (a key listed twice loses two); unknown keys are ignored. */
  release(keys: readonly string[]): Awaitable<void>;
  /** The text, or undefined when the key is not stored (never written, released, deleted or purged). */
  get(key: string): Awaitable<string | undefined>;
  has(key: string): Awaitable<boolean>;
  /** Removes these keys whatever their references; unknown keys are ignored. */
  delete(keys: readonly string[]): Awaitable<void>;
  /** Removes every key of this store (this app only, for shared stores). */
  purge(): Awaitable<void>;
}
