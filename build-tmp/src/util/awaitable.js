export function isPromise(value) {
    return value instanceof Promise;
}
//# sourceMappingURL=awaitable.js.map