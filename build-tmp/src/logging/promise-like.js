/** Listeners and user loggers may be async even where we expect `void`; this spots their promises. */
export function isPromiseLike(value) {
    return typeof value?.then === "function";
}
//# sourceMappingURL=promise-like.js.map