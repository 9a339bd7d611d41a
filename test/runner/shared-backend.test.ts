import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { memoryBackend, UnknownTaskError } from "../../src/index.js";
import { assertValidHistories, trackInvocations } from "../../src/testing/index.js";
import { testApp, withRunner } from "../helpers.js";

describe("two apps sharing one backend", () => {
  it("a runner that lacks the task fails the invocation with UnknownTaskError, and the caller sees it", async () => {
    const backend = memoryBackend();
    const client = testApp({ backend, runnerCls: "DummyRunner" });
    const worker = testApp({ backend });
    const orphan = client.task("orphan", async () => 1);
    worker.task("known", async () => 2);
    const tracked = trackInvocations(client);
    const invocation = orphan();
    await withRunner(worker, async () => {
      await assert.rejects(invocation.result, (error: unknown) => {
        assert.ok(error instanceof UnknownTaskError, String(error));
        assert.match(error.message, /"orphan" is not registered in app "test" \(known: known\)/);
        return true;
      });
    });
    assert.equal(await invocation.status(), "FAILED");
    await assertValidHistories(client, tracked.ids);
  });

  it("an invocation that cannot run lets go of its running key: what was parked on it runs", async () => {
    const backend = memoryBackend();
    const client = testApp({ backend, runnerCls: "DummyRunner" });
    const worker = testApp({ backend, maxParallelSlots: 2 });
    class Point {
      constructor(readonly x = 0) {}
    }
    client.registerClass(Point); // the worker's app does not know Point: it cannot decode the argument
    const options = { runningConcurrency: "task" } as const;
    const clientTask = client.task("keyed", async (_p: Point | number) => "ran", options);
    worker.task("keyed", async (_p: Point | number) => "ran", options);
    const tracked = trackInvocations(client);
    const undecodable = clientTask(new Point(1));
    const fine = clientTask(2);
    await withRunner(worker, async () => {
      await assert.rejects(undecodable.result);
      assert.equal(await fine.result, "ran");
    });
    await assertValidHistories(client, tracked.ids);
  });

  it("a client app registers, a worker app runs, the client reads the result", async () => {
    const backend = memoryBackend();
    const client = testApp({ backend, runnerCls: "DummyRunner" });
    const worker = testApp({ backend });
    const double = async (x: number) => x * 2;
    const clientTask = client.task("double", double);
    worker.task("double", double);
    const invocation = clientTask(21);
    await withRunner(worker, async () => assert.equal(await invocation.result, 42));
    const fetched = await worker.getInvocation<number>(invocation.id);
    assert.deepEqual(fetched.args, [21]);
    assert.equal(await fetched.result, 42);
  });
});
