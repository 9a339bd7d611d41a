import type { Logger } from "./logger.js";
/**
 * A typed event emitter for lifecycle events whose listeners cannot hurt the core: a listener that
 * throws (or returns a promise that rejects) is reported to the logger at `error` and the emitter's
 * caller carries on (graphile-worker's `safeEmit`). Listeners run synchronously, in subscription order.
 */
/** A listener may be async; its promise is observed only to report a rejection, never awaited. */
export type SafeEmitterListener<Payload> = (payload: Payload) => void | PromiseLike<unknown>;
export type Unsubscribe = () => void;
export declare class SafeEmitter<Events extends object> {
    #private;
    private readonly logger;
    constructor(logger: Logger);
    on<E extends keyof Events>(event: E, listener: SafeEmitterListener<Events[E]>): Unsubscribe;
    /** Lets a hot path skip building a payload that nobody listens to. */
    hasListeners(event: keyof Events): boolean;
    emit<E extends keyof Events>(event: E, payload: Events[E]): void;
}
