import type { Awaitable } from "../util/awaitable.js";

/**
 * Where large argument and result texts live, once each, under the SHA-256 of their text. Because a
 * key names its content, `put` of a key that exists is a no-op: concurrent writers of the same value
 * are safe and a value passed to many calls is stored once. Memory answers synchronously; network
 * stores return promises.
 */
export interface DataStore {
  /** Stores `text` under `key` unless the key exists already (then nothing changes). */
  put(key: string, text: string): Awaitable<void>;
  /** The text, or undefined when the key is not stored (never written, deleted or purged). */
  get(key: string): Awaitable<string | undefined>;
  has(key: string): Awaitable<boolean>;
  /** Removes these keys; unknown keys are ignored. */
  delete(keys: readonly string[]): Awaitable<void>;
  /** Removes every key of this store (this app only, for shared stores). */
  purge(): Awaitable<void>;
}
