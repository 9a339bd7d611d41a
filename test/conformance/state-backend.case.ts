import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { InvocationRecord, Outcome } from "../../src/invocation/invocation-record.js";
import { InvocationStatus } from "../../src/invocation/status.js";
import type { StateBackend } from "../../src/state-backend/state-backend.js";
import type { TriggeredBy } from "../../src/triggers/trigger-store.js";
import { useBackend, type BackendFactory } from "./harness.js";

/** Only the documented fields, so backends may return richer objects. */
function fieldsOf(record: InvocationRecord | undefined): InvocationRecord | undefined {
  return (
    record && {
      id: record.id,
      taskId: record.taskId,
      argsId: record.argsId,
      serializedArgs: record.serializedArgs,
      parentId: record.parentId,
      createdAt: record.createdAt,
    }
  );
}

function outcomeOf(outcome: Outcome | undefined): Outcome | undefined {
  if (!outcome) return undefined;
  return outcome.ok ? { ok: true, value: outcome.value } : { ok: false, error: outcome.error };
}

function record(id: string, parentId: string | null = null, createdAt = 1_700_000_000_000): InvocationRecord {
  return {
    id,
    taskId: `tasks.module.${id}`,
    argsId: `sha-${id}`,
    serializedArgs: `[${JSON.stringify(id)},1]`,
    parentId,
    createdAt,
  };
}

/** The StateBackend contract (src/state-backend/state-backend.ts): records, children and outcomes. */
export function stateBackendCases(name: string, makeBackend: BackendFactory): void {
  describe(`StateBackend (${name})`, () => {
    const backend = useBackend(makeBackend);
    const state = (): StateBackend => backend().stateBackend;

    describe("invocation records", () => {
      it("round-trips every field of a record", async () => {
        const root: InvocationRecord = {
          id: "0b9f5c8e-7a65-4c1e-9d2f-3a1b2c3d4e5f",
          taskId: "samples.fib:fibonacci",
          argsId: "no_args",
          serializedArgs: "[]",
          parentId: null,
          createdAt: 1_723_456_789_012,
        };
        const child: InvocationRecord = {
          id: "c6f1d7a2-1111-4222-8333-944455556666",
          taskId: "samples.text:echo",
          argsId: "5d41402abc4b2a76b9719d911017c592aa2f4f0c5fb5bf4d6d1c1d1e1f1a1b1c",
          serializedArgs: '[{"text":"héllo \\"wörld\\"\\n","emoji":"🦀","nested":[1,null,true]}]',
          parentId: root.id,
          createdAt: 1_723_456_789_999,
        };
        await state().saveInvocations([root, child]);
        assert.deepEqual(fieldsOf(await state().getInvocation(root.id)), root);
        assert.deepEqual(fieldsOf(await state().getInvocation(child.id)), child);
      });

      it("keeps a large serialized argument text intact", async () => {
        const big = { ...record("big"), serializedArgs: JSON.stringify(["x".repeat(200_000)]) };
        await state().saveInvocations([big]);
        assert.equal((await state().getInvocation("big"))?.serializedArgs, big.serializedArgs);
      });

      it("gives undefined for an unknown id", async () => {
        await state().saveInvocations([record("a")]);
        assert.equal(await state().getInvocation("nope"), undefined);
      });

      it("accepts an empty list", async () => {
        await state().saveInvocations([]);
        assert.deepEqual(await state().getInvocations([]), []);
      });

      it("getInvocations returns the existing records in the order given, skipping unknown ids", async () => {
        const [a, b, c] = [record("a"), record("b"), record("c")];
        await state().saveInvocations([a, b]);
        await state().saveInvocations([c]);
        const found = await state().getInvocations(["c", "nope", "a", "b"]);
        assert.deepEqual(found.map(fieldsOf), [c, a, b]);
        assert.deepEqual(await state().getInvocations(["x", "y"]), []);
      });
    });

    describe("children", () => {
      it("lists the children of a parent in registration order, across saves", async () => {
        await state().saveInvocations([record("p"), record("q")]);
        await state().saveInvocations([record("c3", "p"), record("c1", "p"), record("q1", "q")]);
        await state().saveInvocations([record("c2", "p")]);
        await state().saveInvocations([record("g1", "c1")]);
        assert.deepEqual(await state().getChildren("p"), ["c3", "c1", "c2"]);
        assert.deepEqual(await state().getChildren("q"), ["q1"]);
        assert.deepEqual(await state().getChildren("c1"), ["g1"]);
      });

      it("gives [] for a parent without children and for an unknown id", async () => {
        await state().saveInvocations([record("p"), record("c", "p")]);
        assert.deepEqual(await state().getChildren("c"), []);
        assert.deepEqual(await state().getChildren("nope"), []);
      });

      it("keeps registration order for many children, whatever their ids or creation times", async () => {
        const children = Array.from({ length: 200 }, (_, i) =>
          record(`child-${(i * 7919) % 200}`, "p", 1_700_000_000_000 + ((i * 31) % 17)),
        );
        await state().saveInvocations([record("p")]);
        for (let i = 0; i < children.length; i += 40)
          await state().saveInvocations(children.slice(i, i + 40));
        assert.deepEqual(
          await state().getChildren("p"),
          children.map((c) => c.id),
        );
      });
    });

    describe("outcomes", () => {
      it("round-trips a successful outcome", async () => {
        await state().saveInvocations([record("a")]);
        const outcome: Outcome = { ok: true, value: '{"answer":42,"text":"ünïcode ✓","none":null}' };
        await state().setOutcome("a", outcome);
        assert.deepEqual(outcomeOf(await state().getOutcome("a")), outcome);
      });

      it("setOutcome with ifAbsent keeps an outcome already stored, and writes one where none is", async () => {
        await state().saveInvocations([record("a"), record("b")]);
        await state().setOutcome("a", { ok: true, value: "1" });
        await state().setOutcome("a", { ok: false, error: "late" }, true);
        assert.deepEqual(outcomeOf(await state().getOutcome("a")), { ok: true, value: "1" });
        await state().setOutcome("b", { ok: false, error: "first" }, true);
        assert.deepEqual(outcomeOf(await state().getOutcome("b")), { ok: false, error: "first" });
      });

      it("round-trips an error outcome", async () => {
        await state().saveInvocations([record("a")]);
        const outcome: Outcome = {
          ok: false,
          error:
            '{"name":"RangeError","message":"too big\\nreally","code":"E_BIG","stack":"at f (x.ts:1:2)"}',
        };
        await state().setOutcome("a", outcome);
        assert.deepEqual(outcomeOf(await state().getOutcome("a")), outcome);
      });

      it("keeps empty strings as they are", async () => {
        await state().saveInvocations([record("a"), record("b")]);
        await state().setOutcome("a", { ok: true, value: "" });
        await state().setOutcome("b", { ok: false, error: "" });
        assert.deepEqual(outcomeOf(await state().getOutcome("a")), { ok: true, value: "" });
        assert.deepEqual(outcomeOf(await state().getOutcome("b")), { ok: false, error: "" });
      });

      it("keeps outcomes of different invocations apart", async () => {
        await state().saveInvocations([record("a"), record("b"), record("c")]);
        await state().setOutcome("a", { ok: true, value: "1" });
        await state().setOutcome("b", { ok: false, error: "boom" });
        assert.deepEqual(outcomeOf(await state().getOutcome("a")), { ok: true, value: "1" });
        assert.deepEqual(outcomeOf(await state().getOutcome("b")), { ok: false, error: "boom" });
        assert.equal(await state().getOutcome("c"), undefined);
        assert.equal(await state().getOutcome("nope"), undefined);
      });
    });

    describe("due time (delayed calls)", () => {
      it("keeps a record's due time, with or without running key and large values, and none when absent", async () => {
        const dueAt = 1_723_456_799_000;
        await state().saveInvocations([
          { ...record("a"), dueAt },
          { ...record("b"), dueAt, runningKey: "r" },
          { ...record("c"), dueAt, largeValueKeys: ["k1"] },
          record("d"),
        ]);
        const [a, b, c, d] = await state().getInvocations(["a", "b", "c", "d"]);
        assert.equal(a?.dueAt, dueAt);
        assert.deepEqual([b?.dueAt, b?.runningKey], [dueAt, "r"]);
        assert.deepEqual([c?.dueAt, c?.largeValueKeys, c?.runningKey], [dueAt, ["k1"], undefined]);
        assert.equal(d?.dueAt, undefined);
        assert.equal((await state().getInvocation("a"))?.dueAt, dueAt);
      });
    });

    describe("triggeredBy (invocations a trigger made)", () => {
      it("keeps a record's trigger and sources beside every other optional field, and none when absent", async () => {
        const triggeredBy: TriggeredBy = {
          triggerId: "tasks.report#allOf:1",
          sources: [
            { kind: "event", eventId: "ev-1", name: "order.placed" },
            { kind: "status", invocationId: "inv-2", status: InvocationStatus.SUCCESS },
            { kind: "cron", at: 1_764_547_200_000 },
          ],
        };
        const dueAt = 1_723_456_799_000;
        await state().saveInvocations([
          { ...record("a"), triggeredBy },
          { ...record("b"), triggeredBy, dueAt, runningKey: "r", largeValueKeys: ["k1"] },
          { ...record("c"), dueAt },
          record("d"),
        ]);
        const [a, b, c, d] = await state().getInvocations(["a", "b", "c", "d"]);
        assert.deepEqual(a?.triggeredBy, triggeredBy);
        assert.deepEqual([a?.dueAt, a?.runningKey, a?.largeValueKeys], [undefined, undefined, undefined]);
        assert.deepEqual(
          [b?.triggeredBy, b?.dueAt, b?.runningKey, b?.largeValueKeys],
          [triggeredBy, dueAt, "r", ["k1"]],
        );
        assert.deepEqual([c?.triggeredBy, c?.dueAt], [undefined, dueAt]);
        assert.equal(d?.triggeredBy, undefined);
        assert.deepEqual((await state().getInvocation("a"))?.triggeredBy, triggeredBy);
      });
    });

    describe("large-value keys", () => {
      it("keeps the keys of a record and an outcome, and deleteInvocations hands them back once each", async () => {
        await state().saveInvocations([
          { ...record("a"), largeValueKeys: ["k1", "k2"] },
          { ...record("b"), largeValueKeys: ["k1"] },
          record("c"),
        ]);
        await state().setOutcome("a", { ok: true, value: "ref", largeValueKey: "k3" });
        await state().setOutcome("c", { ok: false, error: "ref", largeValueKey: "k4" });
        await state().setOutcome("b", { ok: true, value: "1" });
        assert.deepEqual((await state().getInvocation("a"))?.largeValueKeys, ["k1", "k2"]);
        assert.equal((await state().getOutcome("a"))?.largeValueKey, "k3");
        const keys = await state().deleteInvocations(["a", "b", "c", "unknown"]);
        assert.deepEqual([...keys].sort(), ["k1", "k1", "k2", "k3", "k4"]);
        assert.deepEqual(await state().deleteInvocations(["a", "b"]), [], "nothing left to hand back");
      });

      it("hands back no keys for invocations without large values", async () => {
        await state().saveInvocations([record("a")]);
        await state().setOutcome("a", { ok: true, value: "1" });
        assert.deepEqual(await state().deleteInvocations(["a"]), []);
      });
    });

    describe("purge", () => {
      it("forgets records, children and outcomes, and works afterwards", async () => {
        await state().saveInvocations([record("p"), record("c", "p")]);
        await state().setOutcome("c", { ok: true, value: "1" });
        await state().purge();
        assert.equal(await state().getInvocation("p"), undefined);
        assert.deepEqual(await state().getInvocations(["p", "c"]), []);
        assert.deepEqual(await state().getChildren("p"), []);
        assert.equal(await state().getOutcome("c"), undefined);

        await state().saveInvocations([record("p"), record("d", "p")]);
        assert.deepEqual(await state().getChildren("p"), ["d"]);
        assert.deepEqual(fieldsOf(await state().getInvocation("d")), record("d", "p"));
      });
    });
  });
}
