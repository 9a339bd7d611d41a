/**
 * Recently used large texts of this process, bounded by their total size, so a runner that executes
 * many calls sharing one large argument reads it from the data store once, and a caller passing it
 * again skips hashing it (a lookup by text compares lengths, then contents: far cheaper than SHA-256).
 */
export class TextCache {
  /** Map order is the recency order: the first entry is the least recently used. */
  private readonly texts = new Map<string, string>();
  private readonly keys = new Map<string, string>();
  private chars = 0;

  /** `maxChars` bounds the sum of text lengths (UTF-16 units: about bytes for the ASCII JSON of big values). */
  constructor(private readonly maxChars: number) {}

  get(key: string): string | undefined {
    const text = this.texts.get(key);
    if (text !== undefined) {
      this.texts.delete(key);
      this.texts.set(key, text);
    }
    return text;
  }

  /** The key a text is cached under, if it is. */
  keyOf(text: string): string | undefined {
    return this.keys.get(text);
  }

  set(key: string, text: string): void {
    if (this.texts.has(key) || text.length > this.maxChars) return;
    this.texts.set(key, text);
    this.keys.set(text, key);
    this.chars += text.length;
    for (const [oldKey, oldText] of this.texts) {
      if (this.chars <= this.maxChars) break;
      this.texts.delete(oldKey);
      this.keys.delete(oldText);
      this.chars -= oldText.length;
    }
  }

  clear(): void {
    this.texts.clear();
    this.keys.clear();
    this.chars = 0;
  }

  get size(): number {
    return this.texts.size;
  }

  get totalChars(): number {
    return this.chars;
  }
}
