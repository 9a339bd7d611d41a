/**
 * Finds the top-level elements of a JSON array text without parsing it: the element texts are exact
 * slices of the original, and strings (where large values keep their bytes) are skipped by `indexOf`.
 */
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/**
 * `[start0, end0, start1, end1, ...]`: element i is `text.slice(spans[2i], spans[2i + 1])`. Undefined
 * when the text is not a compact JSON array (callers then leave it as it is).
 */
export function arrayElementSpans(text: string): number[] | undefined {
  if (text.charCodeAt(0) !== OPEN_BRACKET) return undefined;
  const spans: number[] = [];
  let depth = 0;
  let start = 1;
  for (let i = 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = closingQuote(text, i);
      if (i < 0) return undefined;
    } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      depth++;
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (code !== CLOSE_BRACKET || i !== text.length - 1) return undefined;
      if (i > start || spans.length > 0) spans.push(start, i);
      return spans;
    } else if (code === COMMA && depth === 0) {
      spans.push(start, i);
      start = i + 1;
    }
  }
  return undefined;
}

/** Index of the quote that closes the string opened at `open`, or -1. */
function closingQuote(text: string, open: number): number {
  let quote = open;
  for (;;) {
    quote = text.indexOf('"', quote + 1);
    if (quote < 0) return -1;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
}
