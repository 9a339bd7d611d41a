/** Listeners and user loggers may be async even where we expect `void`; this spots their promises. */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
