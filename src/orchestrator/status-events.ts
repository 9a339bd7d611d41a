import type { TynencEvents } from "../events.js";
import type { InvocationStatus } from "../invocation/status.js";
import type { SafeEmitter } from "../logging/index.js";

/** Tell `invocation:status` listeners; skipped entirely (no payload built) when nobody listens. */
export function emitStatus(
  events: SafeEmitter<TynencEvents>,
  ids: readonly string[],
  status: InvocationStatus,
  runnerId: string | null,
  at: number,
): void {
  if (!events.hasListeners("invocation:status")) return;
  for (const invocationId of ids) events.emit("invocation:status", { invocationId, status, runnerId, at });
}
