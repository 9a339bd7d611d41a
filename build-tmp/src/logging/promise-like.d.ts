/** Listeners and user loggers may be async even where we expect `void`; this spots their promises. */
export declare function isPromiseLike(value: unknown): value is PromiseLike<unknown>;
