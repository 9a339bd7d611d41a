import assert from "node:assert/strict";
import { after } from "node:test";
import {
  memoryBackend,
  Tynenc,
  type Backend,
  type HistoryEntry,
  type InvocationStatus,
  type TynencOptions,
} from "../src/index.js";
import type { LoggerLike } from "../src/logging/index.js";
import { asyncBackend } from "./async-backend.js";
import { tempSqliteBackend } from "./sqlite-files.js";
import { tempRedisBackend } from "./redis-context.js";

export interface CapturedLine {
  readonly level: string;
  readonly msg: string;
  readonly fields: Record<string, unknown>;
}

/** A user logger that keeps every line, for asserting on what the engine says. */
export function captureLogger(): LoggerLike & { lines: CapturedLine[] } {
  const lines: CapturedLine[] = [];
  const push = (level: string) => (msg: string, fields?: unknown) =>
    lines.push({ level, msg, fields: (fields ?? {}) as Record<string, unknown> });
  return { lines, debug: push("debug"), info: push("info"), warn: push("warn"), error: push("error") };
}

/**
 * The backend the behaviour suites run on: `TYNENC_TEST_BACKEND` (default memory). Every app-level test
 * goes through `testApp`, so a new backend runs the whole suite by adding its factory here.
 */
const TEST_BACKENDS: Record<string, () => Backend> = {
  memory: memoryBackend,
  "memory-async": () => asyncBackend(memoryBackend()),
  sqlite: () => tempSqliteBackend({ appId: "test" }),
  redis: () => tempRedisBackend({ appId: "test" }),
};

function testBackendName(): string {
  return process.env.TYNENC_TEST_BACKEND ?? "memory";
}

export function testBackend(): Backend {
  const name = testBackendName();
  const factory = TEST_BACKENDS[name];
  if (!factory) {
    throw new Error(
      `TYNENC_TEST_BACKEND=${name} is not a backend this test suite knows (known: ${Object.keys(TEST_BACKENDS).join(", ")})`,
    );
  }
  const backend = factory();
  openBackends.add(backend);
  return backend;
}

/**
 * Options for tests of what decides at the call (registrationConcurrency, callResultCache): they need
 * a backend that answers at once, and skip, saying why, on one that answers through promises.
 */
export function needsImmediateBackend(): { skip?: string } {
  const name = testBackendName();
  return name === "memory" || name === "sqlite"
    ? {}
    : {
        skip: `TYNENC_TEST_BACKEND=${name} answers through promises: these tests read the id of a call that registrationConcurrency or callResultCache may deduplicate straight after the call, before the backend's answer (test/app/registered.test.ts covers that case)`,
      };
}

/**
 * Options for a test of what only an in-process backend does (its runners are the only ones there can
 * be): it skips, saying so, on a backend shared across processes.
 */
export function inProcessBackendOnly(): { skip?: string } {
  const name = testBackendName();
  return name === "sqlite" || name === "redis"
    ? {
        skip: `TYNENC_TEST_BACKEND=${name} is shared across processes: a runner of another process may run the work`,
      }
    : {};
}

/**
 * Options for a test of the window between a claim and the move to RUNNING: on a backend whose claim
 * moves straight to RUNNING (`Backend.claimNext`, redis) there is none, so it skips, saying so.
 */
export function separateRunningMove(): { skip?: string } {
  const name = testBackendName();
  return name === "redis"
    ? { skip: `TYNENC_TEST_BACKEND=${name} claims straight to RUNNING: no PENDING between claim and start` }
    : {};
}

/**
 * Options for a test that counts the process's timers: under `TYNENC_TEST_ASYNC_DELAY_MS` the test
 * backend's random delays are timers themselves, so it skips, saying so.
 */
export function skipUnderRandomStoreDelays(): { skip?: string } {
  return Number(process.env.TYNENC_TEST_ASYNC_DELAY_MS ?? 0) > 0
    ? { skip: "TYNENC_TEST_ASYNC_DELAY_MS: the async test backend's random delays are timers themselves" }
    : {};
}

/** An app for one test: quiet unless asked, ThreadRunner, short stop grace, a fresh test backend. */
/**
 * Apps made by `testApp`, closed when the test file ends: a backend with a network connection (redis)
 * would otherwise keep the file's process alive, and a SQLite test file would stay on disk.
 */
const openApps = new Set<Tynenc>();
const openBackends = new Set<Backend>();
after(async () => {
  for (const app of openApps) await app.close().catch(() => {});
  for (const backend of openBackends) await backend.close().catch(() => {});
  openApps.clear();
  openBackends.clear();
});

export function testApp(options: TynencOptions = {}): Tynenc {
  const app = new Tynenc({
    appId: "test",
    loggingLevel: "error",
    maxParallelSlots: 1,
    stopGraceMs: 200,
    logger: options.logger ?? captureLogger(),
    ...options,
    backend: options.backend ?? testBackend(),
  });
  openApps.add(app);
  return app;
}

export { withRunner } from "../src/testing/index.js";

/** The error `fn` throws synchronously (fails the test if it returns). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof Error, `threw a non-Error: ${String(error)}`);
    return error;
  }
  assert.fail("expected a synchronous throw");
}

/** When an invocation first entered `status`, by its history (fails the test if it never did). */
export function firstAt(history: readonly HistoryEntry[], status: InvocationStatus): number {
  const entry = history.find((h) => h.status === status);
  assert.ok(entry, `no ${status} in ${history.map((h) => h.status).join(", ")}`);
  return entry.at;
}

/**
 * Resolves once `check` holds, looking every `everyMs`: for a state another process, or Redis, changes
 * (no event of this process tells of it). Fails with what it waited for after `timeoutMs`.
 */
export async function pollUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  { timeoutMs = 15_000, everyMs = 20 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
