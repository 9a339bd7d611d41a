/**
 * Whether `promise` settles within `ms`: true when it resolves in time (a rejection in time is thrown),
 * false when it is still pending then. The timer is cleared either way; a rejection after the time is
 * left to nobody (it raises no unhandled rejection).
 */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, ms), false);
  });
  const settled = promise.then(() => true);
  settled.catch(() => {}); // handled here; the race below still throws a rejection that comes in time
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}
