import { isPromiseLike } from "./promise-like.js";
export class SafeEmitter {
    logger;
    // Arrays are replaced, never mutated, so an emit in progress keeps the list it started with.
    #listeners = new Map();
    constructor(logger) {
        this.logger = logger;
    }
    on(event, listener) {
        this.#listeners.set(event, [...this.#list(event), listener]);
        let subscribed = true;
        return () => {
            if (!subscribed)
                return;
            subscribed = false;
            const remaining = [...this.#list(event)];
            remaining.splice(remaining.indexOf(listener), 1);
            if (remaining.length === 0)
                this.#listeners.delete(event);
            else
                this.#listeners.set(event, remaining);
        };
    }
    /** Lets a hot path skip building a payload that nobody listens to. */
    hasListeners(event) {
        return this.#listeners.has(event);
    }
    emit(event, payload) {
        const listeners = this.#listeners.get(event);
        if (listeners === undefined)
            return;
        for (const listener of listeners) {
            try {
                const result = listener(payload);
                if (isPromiseLike(result))
                    result.then(undefined, (error) => this.#report(event, error));
            }
            catch (error) {
                this.#report(event, error);
            }
        }
    }
    #list(event) {
        return (this.#listeners.get(event) ?? []);
    }
    #report(event, error) {
        try {
            const name = String(event);
            this.logger.error(`A listener for "${name}" failed; the other listeners still ran.`, {
                event: name,
                error,
            });
        }
        catch {
            // A custom Logger broke its promise not to throw; the emitter's caller must still be spared.
        }
    }
}
//# sourceMappingURL=safe-emitter.js.map