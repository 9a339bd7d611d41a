/**
 * The request ids of the Redis scripts (src/backends/redis/request-ids.ts): each says up to which count
 * every call sent through `send` has its answer back, the bound below which a claim script forgets the
 * answers it keeps for resends. Answers may come back out of order (a script loaded and sent again);
 * the bound never passes a call still under way.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RequestIds } from "../../src/backends/redis/request-ids.js";

/** The `<answered>` part of an id. */
function answeredIn(request: string): number {
  return Number(request.split(":")[2]);
}

/** A call through `ids.send` that answers (or fails) when told. */
function callOn(ids: RequestIds) {
  let settle!: (ok: boolean) => void;
  let request = "";
  const done = ids.send(
    (id) =>
      new Promise<string>((resolve, reject) => {
        request = id;
        settle = (ok) => (ok ? resolve(id) : reject(new Error("connection lost")));
      }),
  );
  done.catch(() => {});
  return { done, request: () => request, settle };
}

void describe("Redis request ids", () => {
  void it("count each call, and say which counts have every answer back", async () => {
    const ids = new RequestIds();
    const [first, second, third] = [callOn(ids), callOn(ids), callOn(ids)];
    const uuid = first.request().split(":")[0];
    assert.deepEqual(
      [first, second, third].map((c) => c.request()),
      [`${uuid}:1:0`, `${uuid}:2:0`, `${uuid}:3:0`],
    );
    second.settle(true);
    await second.done;
    assert.equal(answeredIn(ids.next()), 0, "the first is still under way");
    first.settle(true);
    await first.done;
    assert.equal(answeredIn(ids.next()), 2);
    third.settle(false);
    await assert.rejects(third.done, /connection lost/);
    // A failed call is over too; ids that `send` does not track (counts 4 and 5) hold nothing back.
    assert.equal(answeredIn(ids.next()), 5);
  });

  void it("are unique to each instance", () => {
    const [a, b] = [new RequestIds(), new RequestIds()];
    assert.notEqual(a.next(), b.next());
  });
});
