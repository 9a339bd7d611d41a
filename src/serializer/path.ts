/**
 * Where inside a value the encoder is, kept as raw segments and only turned into text when an
 * error needs it (the happy path never pays for string building).
 */
export type PathSegment = string | number | { readonly text: string };

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function formatPath(segments: readonly PathSegment[]): string {
  let text = "";
  for (const segment of segments) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (typeof segment === "string")
      text += IDENTIFIER.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
    else text += segment.text;
  }
  return text;
}

/** `argument 2 of task "fib" at .cb`, or just the root description when the fault is the value itself. */
export function describeLocation(where: string | undefined, segments: readonly PathSegment[]): string {
  const root = where ?? "value";
  return segments.length === 0 ? root : `${root} at ${formatPath(segments)}`;
}

/** A Map key segment that reads like code when the key is simple (`.get("id")`). */
export function mapValueSegment(key: unknown, index: number): PathSegment {
  if (typeof key === "string" && key.length <= 40) return { text: `.get(${JSON.stringify(key)})` };
  if (typeof key === "number" || typeof key === "boolean") return { text: `.get(${String(key)})` };
  return { text: `<Map value #${index}>` };
}

export function mapKeySegment(index: number): PathSegment {
  return { text: `<Map key #${index}>` };
}

export function setItemSegment(index: number): PathSegment {
  return { text: `<Set item #${index}>` };
}
