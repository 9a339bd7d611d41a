import type { DataStore } from "../../data-store/data-store.js";

interface Stored {
  readonly text: string;
  readonly bytes: number;
  references: number;
}

/** Large values in this process: content hash -> text and reference count, answering synchronously. */
export class MemoryDataStore implements DataStore {
  private readonly texts = new Map<string, Stored>();
  private totalBytes = 0;

  put(key: string, text: string): void {
    const stored = this.texts.get(key);
    if (stored) {
      stored.references++;
      return;
    }
    const bytes = Buffer.byteLength(text);
    this.texts.set(key, { text, bytes, references: 1 });
    this.totalBytes += bytes;
  }

  retain(key: string): boolean {
    const stored = this.texts.get(key);
    if (!stored) return false;
    stored.references++;
    return true;
  }

  release(keys: readonly string[]): void {
    for (const key of keys) {
      const stored = this.texts.get(key);
      if (stored && --stored.references <= 0) this.remove(key, stored);
    }
  }

  get(key: string): string | undefined {
    return this.texts.get(key)?.text;
  }

  has(key: string): boolean {
    return this.texts.has(key);
  }

  delete(keys: readonly string[]): void {
    for (const key of keys) {
      const stored = this.texts.get(key);
      if (stored) this.remove(key, stored);
    }
  }

  purge(): void {
    this.texts.clear();
    this.totalBytes = 0;
  }

  /** Number of stored values. */
  get size(): number {
    return this.texts.size;
  }

  /** UTF-8 bytes of all stored texts. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** How many references a key has (0 when it is not stored). */
  references(key: string): number {
    return this.texts.get(key)?.references ?? 0;
  }

  private remove(key: string, stored: Stored): void {
    this.texts.delete(key);
    this.totalBytes -= stored.bytes;
  }
}
