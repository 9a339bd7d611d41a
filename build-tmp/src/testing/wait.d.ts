import type { Tynenc } from "../app.js";
import type { Invocation } from "../invocation/invocation.js";
import type { InvocationStatus } from "../invocation/status.js";
export interface WaitOptions {
    /** Give up after this long (default 10 s) with an error that says what was awaited. */
    readonly timeoutMs?: number;
}
/**
 * Resolves once `predicate` holds, re-checking it after every status change the app makes: waits for
 * a state, never for a fixed time.
 */
export declare function waitUntil(app: Tynenc, predicate: () => boolean | Promise<boolean>, description: string, { timeoutMs }?: WaitOptions): Promise<void>;
/** Resolves once the invocation is in one of `statuses`. */
export declare function waitForStatus(app: Tynenc, invocation: Invocation<unknown>, statuses: InvocationStatus | readonly InvocationStatus[], options?: WaitOptions): Promise<void>;
