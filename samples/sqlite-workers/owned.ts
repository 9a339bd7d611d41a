/**
 * demo.ts forks the runners and the client with an IPC channel. When the demo dies, even by SIGKILL,
 * that channel closes and `action` runs, so nothing it started outlives it. The channel is unref'd so
 * that it alone does not keep the process alive. Started from a terminal there is no channel: no-op.
 */
export function whenParentGone(action: () => void): void {
  if (!process.channel) return;
  process.channel.unref();
  process.once("disconnect", action);
}

/** Tells the parent (demo.ts) something, if there is one. */
export function tellParent(message: Record<string, unknown>): void {
  process.send?.(message);
}
