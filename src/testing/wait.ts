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
export async function waitUntil(
  app: Tynenc,
  predicate: () => boolean | Promise<boolean>,
  description: string,
  { timeoutMs = 10_000 }: WaitOptions = {},
): Promise<void> {
  let settled = false;
  let checking = false;
  let again = false;
  await new Promise<void>((resolve, reject) => {
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      if (error) reject(error);
      else resolve();
    };
    const check = async () => {
      if (checking) return void (again = true);
      checking = true;
      try {
        do {
          again = false;
          if (await predicate()) return finish();
        } while (again && !settled);
      } catch (error) {
        finish(error as Error);
      } finally {
        checking = false;
      }
    };
    const timer = setTimeout(
      () => finish(new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`)),
      timeoutMs,
    );
    const unsubscribe = app.events.on("invocation:status", () => void check());
    void check();
  });
}

/** Resolves once the invocation is in one of `statuses`. */
export async function waitForStatus(
  app: Tynenc,
  invocation: Invocation<unknown>,
  statuses: InvocationStatus | readonly InvocationStatus[],
  options?: WaitOptions,
): Promise<void> {
  const wanted: readonly InvocationStatus[] = typeof statuses === "string" ? [statuses] : statuses;
  await waitUntil(
    app,
    async () => wanted.includes(await invocation.status()),
    `${String(invocation)} to reach ${wanted.join(" or ")}`,
    options,
  );
}
