import type { InvocationStatus } from "./invocation/status.js";
/** Lifecycle events of an app (`app.events.on(...)`); listeners cannot break the engine. */
export interface TynencEvents {
    /** Any status change, registration included, made by this process. */
    "invocation:status": {
        readonly invocationId: string;
        readonly status: InvocationStatus;
        readonly runnerId: string | null;
        readonly at: number;
    };
    "runner:started": {
        readonly runnerId: string;
        readonly cls: string;
        readonly slots: number;
    };
    "runner:stopped": {
        readonly runnerId: string;
        readonly cls: string;
    };
}
