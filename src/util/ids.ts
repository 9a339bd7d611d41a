import { randomFillSync } from "node:crypto";

/**
 * Random version-4 UUIDs for invocation and runner ids, written as flat strings.
 *
 * `crypto.randomUUID()` returns a string V8 builds by concatenation (a "cons string"): every map keyed
 * by it then hashes and compares through the pieces, which made id look-ups the largest single cost of
 * a trivial invocation. These ids are formatted into a byte buffer and read back in one piece, from a
 * pool of random bytes refilled 256 ids at a time.
 */
const POOL_IDS = 256;
const pool = Buffer.alloc(16 * POOL_IDS);
let used = pool.length;
const text = Buffer.alloc(36);
const HEX = Buffer.from("0123456789abcdef", "latin1");
const DASH = 0x2d;

export function newId(): string {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  let at = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text[at++] = DASH;
    let byte = pool[used + i]!;
    if (i === 6)
      byte = (byte & 0x0f) | 0x40; // version 4
    else if (i === 8) byte = (byte & 0x3f) | 0x80; // RFC 4122 variant
    text[at++] = HEX[byte >> 4]!;
    text[at++] = HEX[byte & 0x0f]!;
  }
  used += 16;
  return text.toString("latin1", 0, 36);
}
