/**
 * The text that stands for a large value: a `ref` envelope of the serializer's own format. User
 * objects owning the `$tyn` key are always escaped by the encoder, so a top-level element or a whole
 * result that starts with this envelope can only be a reference.
 */
import { REF_KIND, TAG } from "../serializer/envelope.js";

const REF_PREFIX = `{${JSON.stringify(TAG)}:${JSON.stringify(REF_KIND)},"v":`;

export function referenceText(key: string): string {
  return `${REF_PREFIX}${JSON.stringify(key)}}`;
}

/** True if some reference may be in `text`: a cheap test before any scan. */
export function mayContainReference(text: string): boolean {
  return text.includes(REF_PREFIX);
}

/** The key of the reference that is exactly `text.slice(start, end)`, else undefined. */
export function referenceKey(text: string, start = 0, end = text.length): string | undefined {
  if (!text.startsWith(REF_PREFIX, start)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(start, end));
  } catch {
    return undefined;
  }
  const key = (parsed as { v?: unknown }).v;
  return typeof key === "string" && Object.keys(parsed as object).length === 2 ? key : undefined;
}
