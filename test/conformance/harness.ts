import { afterEach, beforeEach } from "node:test";
import type { Backend } from "../../src/backends/backend.js";
import type { HistoryEntry, StatusRecord } from "../../src/invocation/status.js";

/** Builds one fresh, empty backend; every conformance test gets its own and closes it afterwards. */
export type BackendFactory = () => Promise<Backend> | Backend;

/**
 * Declares the per-test backend life cycle in the enclosing `describe` and returns an accessor for the
 * current test's backend.
 */
export function useBackend(makeBackend: BackendFactory): () => Backend {
  let current: Backend | undefined;
  beforeEach(async () => {
    current = await makeBackend();
  });
  afterEach(async () => {
    const backend = current;
    current = undefined;
    if (backend) await backend.close();
  });
  return () => {
    if (!current) throw new Error("No backend: the accessor was called outside a test");
    return current;
  };
}

/**
 * Awaits a value that an interface method returns either directly or as a promise, so the suites keep
 * working when interfaces move to `T | Promise<T>` (and lint does not flag awaiting a non-promise).
 */
export async function settle<T>(value: T | PromiseLike<T>): Promise<T> {
  return value;
}

/** Resolves with `promise`, or rejects after `ms` with a message naming what was awaited. */
export async function within<T>(promise: Promise<T>, label: string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${label}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A promise with its resolve function, for waiting on callbacks. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Only the documented fields of a status record, so backends may return richer objects. */
export function statusOf(record: StatusRecord | undefined): StatusRecord | undefined {
  return record && { status: record.status, owner: record.owner, at: record.at };
}

/**
 * The status, runner and time of history entries, without `seq` (whose values are the backend's own;
 * the suites check its order separately).
 */
export function historyOf(entries: readonly HistoryEntry[]): Omit<HistoryEntry, "seq">[] {
  return entries.map((e) => ({ status: e.status, runnerId: e.runnerId, at: e.at }));
}

/** A sorted copy, for comparing results whose order the interface does not promise. */
export function sorted(values: readonly string[]): string[] {
  return [...values].sort();
}

/** `count` distinct ids `prefix-00000`, `prefix-00001`... in ascending order. */
export function ids(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(5, "0")}`);
}
