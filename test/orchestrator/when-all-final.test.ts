import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Backend } from "../../src/backends/backend.js";
import { InvocationStatus as S, type StatusRecord } from "../../src/invocation/status.js";
import { createLogger } from "../../src/logging/index.js";
import { FinalEvents } from "../../src/orchestrator/final-events.js";
import { watchFinals, whenAllFinal } from "../../src/orchestrator/when-all-final.js";

const logger = createLogger({ name: "test", level: "error", format: "text", colors: false });

/** Just what whenAllFinal reads: statuses (answered at once or through promises) and final events. */
function stubBackend(asynchronous: boolean) {
  const statuses = new Map<string, StatusRecord>();
  const events = new FinalEvents();
  let subscribed = 0;
  const answer = <T>(value: T) => (asynchronous ? Promise.resolve(value) : value);
  const backend = {
    orchestratorStore: {
      getStatus: (id: string) => answer(statuses.get(id)),
      getStatuses: (ids: readonly string[]) => answer(ids.map((id) => statuses.get(id))),
    },
    notifier: {
      onFinal: (id: string, listener: () => void) => {
        subscribed++;
        const off = events.on(id, listener);
        let done = false;
        return () => {
          if (!done) subscribed--;
          done = true;
          off();
        };
      },
    },
  } as unknown as Backend;
  return {
    backend,
    finish(id: string) {
      statuses.set(id, { status: S.SUCCESS, owner: null, at: 1 });
      events.publish(id);
    },
    setStatus(id: string, status: S) {
      statuses.set(id, { status, owner: null, at: 1 });
    },
    get subscribed() {
      return subscribed;
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

for (const asynchronous of [false, true]) {
  describe(`whenAllFinal (${asynchronous ? "store answering through promises" : "store answering at once"})`, () => {
    for (const ids of [["a"], ["a", "b"]]) {
      it(`${ids.length} id(s) already final: called once, and keeps no subscription`, async () => {
        const stub = stubBackend(asynchronous);
        for (const id of ids) stub.finish(id);
        let calls = 0;
        whenAllFinal(stub.backend, logger, ids, () => calls++);
        await tick();
        assert.equal(calls, 1);
        assert.equal(stub.subscribed, 0, "no subscription left behind");
      });

      it(`${ids.length} id(s) finishing later: called once, after the last`, async () => {
        const stub = stubBackend(asynchronous);
        for (const id of ids) stub.setStatus(id, S.RUNNING);
        let calls = 0;
        whenAllFinal(stub.backend, logger, ids, () => calls++);
        await tick();
        for (const id of ids) {
          assert.equal(calls, 0);
          stub.finish(id);
        }
        await tick();
        assert.equal(calls, 1);
        assert.equal(stub.subscribed, 0);
      });

      it(`${ids.length} id(s): cancelled before they finish, never called`, async () => {
        const stub = stubBackend(asynchronous);
        for (const id of ids) stub.setStatus(id, S.PAUSED);
        let calls = 0;
        const cancel = whenAllFinal(stub.backend, logger, ids, () => calls++);
        cancel();
        for (const id of ids) stub.finish(id);
        await tick();
        assert.equal(calls, 0);
        assert.equal(stub.subscribed, 0);
      });

      it(`${ids.length} id(s): a local "finished here" and the notifier both arriving still call once`, async () => {
        const stub = stubBackend(asynchronous);
        for (const id of ids) stub.setStatus(id, S.RUNNING);
        const local = new FinalEvents();
        let calls = 0;
        whenAllFinal(stub.backend, logger, ids, () => calls++, local);
        await tick();
        for (const id of ids) local.publish(id); // finished in this process: arrives first
        assert.equal(calls, 1);
        for (const id of ids) stub.finish(id); // then the notifier's round trip
        await tick();
        assert.equal(calls, 1);
        assert.equal(stub.subscribed, 0);
      });
    }
  });
}

describe("watchFinals (listening from before a one-call pause)", () => {
  it("counts a final heard before the store step answered, with no status read after it", () => {
    const stub = stubBackend(false);
    let reads = 0;
    const store = stub.backend.orchestratorStore as { getStatuses: unknown; getStatus: unknown };
    store.getStatuses = store.getStatus = () => reads++;
    const watch = watchFinals(stub.backend, ["a", "b"]);
    stub.finish("a"); // between the pause call and its answer
    let calls = 0;
    watch.then(["a", "b"], () => calls++);
    assert.equal(calls, 0, "b is still open");
    stub.finish("b");
    assert.equal(calls, 1);
    assert.equal(reads, 0, "no status read");
    assert.equal(stub.subscribed, 0, "no subscription left behind");
  });

  it("stops listening for what the step found final, and calls at once when nothing is left", () => {
    const stub = stubBackend(false);
    const watch = watchFinals(stub.backend, ["a", "b", "c"]);
    assert.equal(stub.subscribed, 3);
    let calls = 0;
    watch.then(["b"], () => calls++);
    assert.equal(stub.subscribed, 1, "only b is listened for");
    stub.finish("a");
    assert.equal(calls, 0);
    stub.finish("b");
    assert.equal(calls, 1);
    let again = 0;
    const other = watchFinals(stub.backend, ["x"]);
    stub.finish("x");
    other.then(["x"], () => again++);
    assert.equal(again, 1, "heard already: called before then() returns");
    assert.equal(stub.subscribed, 0);
  });

  it("cancelled (nothing was paused, or a finish resumed the waiter), never calls and keeps nothing", () => {
    const stub = stubBackend(false);
    const watch = watchFinals(stub.backend, ["a", "b"]);
    watch.cancel();
    assert.equal(stub.subscribed, 0);
    let calls = 0;
    const cancel = watchFinals(stub.backend, ["a"]).then(["a"], () => calls++);
    cancel();
    stub.finish("a");
    assert.equal(calls, 0);
    assert.equal(stub.subscribed, 0);
  });
});
