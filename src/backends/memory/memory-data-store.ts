import type { DataStore } from "../../data-store/data-store.js";

/** Large values in this process: a map from content hash to text, answering synchronously. */
export class MemoryDataStore implements DataStore {
  private readonly texts = new Map<string, string>();
  private totalBytes = 0;

  put(key: string, text: string): void {
    if (this.texts.has(key)) return;
    this.texts.set(key, text);
    this.totalBytes += Buffer.byteLength(text);
  }

  get(key: string): string | undefined {
    return this.texts.get(key);
  }

  has(key: string): boolean {
    return this.texts.has(key);
  }

  delete(keys: readonly string[]): void {
    for (const key of keys) {
      const text = this.texts.get(key);
      if (text === undefined) continue;
      this.texts.delete(key);
      this.totalBytes -= Buffer.byteLength(text);
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
}
