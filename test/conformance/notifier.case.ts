import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Notifier } from "../../src/orchestrator/notifier.js";
import { deferred, settle, useBackend, within, type BackendFactory } from "./harness.js";

/**
 * The Notifier contract (src/orchestrator/notifier.ts). Delivery may be asynchronous (pub/sub,
 * polling), so every positive check waits for the callback with a generous timeout, and every negative
 * check ("not called") is made after a later publish has been seen by a listener that is still
 * subscribed.
 */
export function notifierCases(name: string, makeBackend: BackendFactory): void {
  describe(`Notifier (${name})`, () => {
    const backend = useBackend(makeBackend);
    const notifier = (): Notifier => backend().notifier;

    /** A listener that counts its calls and lets a test wait for the next one. */
    function probe(): { listener: () => void; calls: () => number; next: () => Promise<void> } {
      let calls = 0;
      let waiting = deferred();
      return {
        listener: () => {
          calls++;
          waiting.resolve();
          waiting = deferred();
        },
        calls: () => calls,
        next: () => waiting.promise,
      };
    }

    describe("work", () => {
      it("calls an onWork listener after publishWork", async () => {
        const p = probe();
        await settle(notifier().onWork(p.listener));
        const called = p.next();
        await settle(notifier().publishWork());
        await within(called, "the onWork listener");
        assert.ok(p.calls() >= 1);
      });

      it("calls every onWork listener", async () => {
        const probes = [probe(), probe(), probe()];
        for (const p of probes) await settle(notifier().onWork(p.listener));
        const called = Promise.all(probes.map((p) => p.next()));
        await settle(notifier().publishWork());
        await within(called, "all three onWork listeners");
      });

      it("calls a listener again on a later publishWork", async () => {
        const p = probe();
        await settle(notifier().onWork(p.listener));
        let called = p.next();
        await settle(notifier().publishWork());
        await within(called, "the first call");
        called = p.next();
        await settle(notifier().publishWork());
        await within(called, "the second call");
      });

      it("stops calling a listener once unsubscribed", async () => {
        const gone = probe();
        const kept = probe();
        const unsubscribe = await settle(notifier().onWork(gone.listener));
        await settle(notifier().onWork(kept.listener));
        const bothCalled = Promise.all([gone.next(), kept.next()]);
        await settle(notifier().publishWork());
        await within(bothCalled, "both onWork listeners");
        const before = gone.calls();

        await settle(unsubscribe());
        const keptCalled = kept.next();
        await settle(notifier().publishWork());
        await within(keptCalled, "the listener still subscribed");
        assert.equal(gone.calls(), before, "an unsubscribed onWork listener was called");
      });

      it("tolerates unsubscribing twice", async () => {
        const p = probe();
        const unsubscribe = await settle(notifier().onWork(p.listener));
        await settle(unsubscribe());
        await settle(unsubscribe());
      });

      it("allows publishWork with no listener", async () => {
        await settle(notifier().publishWork());
      });
    });

    describe("final", () => {
      it("calls an onFinal listener once when that invocation is published final", async () => {
        const p = probe();
        const sentinel = probe();
        await settle(notifier().onFinal("a", p.listener));
        await settle(notifier().onFinal("later", sentinel.listener));
        const called = p.next();
        await settle(notifier().publishFinal("a"));
        await within(called, "the onFinal listener of a");
        const later = sentinel.next();
        await settle(notifier().publishFinal("later"));
        await within(later, "the onFinal listener of a later invocation");
        assert.equal(p.calls(), 1);
      });

      it("does not call an onFinal listener for other invocations", async () => {
        const a = probe();
        const b = probe();
        await settle(notifier().onFinal("a", a.listener));
        await settle(notifier().onFinal("b", b.listener));
        const called = b.next();
        await settle(notifier().publishFinal("b"));
        await settle(notifier().publishFinal("c"));
        await within(called, "the onFinal listener of b");
        const sentinel = probe();
        await settle(notifier().onFinal("d", sentinel.listener));
        const later = sentinel.next();
        await settle(notifier().publishFinal("d"));
        await within(later, "the onFinal listener of d");
        assert.equal(a.calls(), 0, "the listener of a was called for another invocation");
        assert.equal(b.calls(), 1);
      });

      it("calls every onFinal listener of the invocation", async () => {
        const probes = [probe(), probe()];
        for (const p of probes) await settle(notifier().onFinal("a", p.listener));
        const called = Promise.all(probes.map((p) => p.next()));
        await settle(notifier().publishFinal("a"));
        await within(called, "both onFinal listeners of a");
      });

      it("does not call an onFinal listener again when the invocation is published final twice", async () => {
        const p = probe();
        await settle(notifier().onFinal("a", p.listener));
        const called = p.next();
        await settle(notifier().publishFinal("a"));
        await within(called, "the onFinal listener of a");
        await settle(notifier().publishFinal("a"));
        const sentinel = probe();
        await settle(notifier().onFinal("z", sentinel.listener));
        const later = sentinel.next();
        await settle(notifier().publishFinal("z"));
        await within(later, "the onFinal listener of z");
        assert.equal(p.calls(), 1);
      });

      it("stops calling an onFinal listener once unsubscribed, keeping the others", async () => {
        const gone = probe();
        const kept = probe();
        const unsubscribe = await settle(notifier().onFinal("a", gone.listener));
        await settle(notifier().onFinal("a", kept.listener));
        await settle(unsubscribe());
        const called = kept.next();
        await settle(notifier().publishFinal("a"));
        await within(called, "the onFinal listener still subscribed");
        assert.equal(gone.calls(), 0, "an unsubscribed onFinal listener was called");
      });

      it("tolerates unsubscribing after the listener was called", async () => {
        const p = probe();
        const unsubscribe = await settle(notifier().onFinal("a", p.listener));
        const called = p.next();
        await settle(notifier().publishFinal("a"));
        await within(called, "the onFinal listener of a");
        await settle(unsubscribe());
        await settle(unsubscribe());
      });

      it("allows publishFinal with no listener", async () => {
        await settle(notifier().publishFinal("nobody-listens"));
      });
    });

    describe("close", () => {
      it("resolves, and closing the whole backend afterwards still works", async () => {
        const p = probe();
        await settle(notifier().onWork(p.listener));
        await settle(notifier().onFinal("a", p.listener));
        await notifier().close();
        // The harness closes the backend after this test, which closes the notifier a second time.
      });

      it("stops delivering to listeners registered before close", async () => {
        const p = probe();
        await settle(notifier().onWork(p.listener));
        await settle(notifier().onFinal("a", p.listener));
        await notifier().close();
        await settle(notifier().publishWork());
        await settle(notifier().publishFinal("a"));
        await new Promise<void>((resolve) => setImmediate(resolve));
        assert.equal(p.calls(), 0);
      });
    });
  });
}
