import type { Backend, Notifier } from "../src/index.js";

/**
 * A backend whose stores answer like a network store: every method's work happens a microtask later
 * and comes back as a promise, and notifications reach listeners a macrotask later (as pub/sub would).
 * `TYNENC_TEST_BACKEND=memory-async` runs the behaviour suites on it, which keeps the core honest about
 * `Awaitable` before a real asynchronous backend exists. With `TYNENC_TEST_ASYNC_DELAY_MS=N` every store
 * call instead answers after a random 0..N ms, so concurrent flows interleave in ever new orders (slow;
 * for hunting races by hand, not for CI).
 */
const maxDelayMs = Number(process.env.TYNENC_TEST_ASYNC_DELAY_MS ?? 0);

function answerLater(): Promise<void> {
  if (maxDelayMs > 0) return new Promise((resolve) => setTimeout(resolve, Math.random() * maxDelayMs));
  return Promise.resolve();
}
export function asyncBackend(inner: Backend): Backend {
  return {
    name: inner.name, // the config names the technology; the wrapper changes only how it answers
    sharedAcrossProcesses: inner.sharedAcrossProcesses,
    broker: later(inner.broker),
    orchestratorStore: later(inner.orchestratorStore),
    stateBackend: later(inner.stateBackend),
    dataStore: later(inner.dataStore, ["references"]),
    triggerStore: later(inner.triggerStore),
    notifier: delayedNotifier(inner.notifier),
    close: () => inner.close(),
  };
}

/** Every method answers a microtask later through a promise, except the inspection helpers named. */
function later<T extends object>(target: T, inspection: readonly string[] = []): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== "function") return value;
      if (typeof property === "string" && inspection.includes(property)) return value.bind(object) as unknown;
      return async (...args: unknown[]) => {
        await answerLater();
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

function delayedNotifier(inner: Notifier): Notifier {
  return {
    onWork: (listener) => inner.onWork(listener),
    publishWork: () => void setImmediate(() => inner.publishWork()),
    onFinal: (id, listener) => inner.onFinal(id, listener),
    publishFinal: (id) => void setImmediate(() => inner.publishFinal(id)),
    onCancel: (listener) => inner.onCancel(listener),
    publishCancel: (id) => void setImmediate(() => inner.publishCancel(id)),
    close: () => inner.close(),
  };
}
