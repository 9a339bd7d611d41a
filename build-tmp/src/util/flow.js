import { isPromise } from "./awaitable.js";
/** Inside a flow: wait for an Awaitable and get its value, typed. */
export function* wait(value) {
    return (yield value);
}
/** Run a flow: returns its result directly if it never met a promise, else a promise of it. */
export function flow(generator) {
    return step(generator, undefined, false);
}
function step(generator, input, failed) {
    for (;;) {
        const next = failed ? generator.throw(input) : generator.next(input);
        if (next.done)
            return next.value;
        if (isPromise(next.value)) {
            return next.value.then((value) => step(generator, value, false), (error) => step(generator, error, true));
        }
        input = next.value;
        failed = false;
    }
}
//# sourceMappingURL=flow.js.map