import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CancelRequestedError, OwnershipError, StatusTransitionError } from "../../src/errors/errors.js";
import {
  FINAL_STATUSES,
  INITIAL_STATUS,
  InvocationStatus,
  Ownership,
  RUNNABLE_STATUSES,
  STATUS_TABLE,
  isFinal,
  isRunnable,
  refuseUnderCancel,
  transition,
  type InvocationStatus as Status,
  type StatusRecord,
} from "../../src/invocation/status.js";

/**
 * DESIGN §4, written out again by hand, plus the cancellation statuses of issue 3 (CANCELLED from every
 * unfinished status, TIMED_OUT from the running ones; a recovered invocation whose cancel was requested
 * ends CANCELLED, since REROUTED is refused under a cancel request): the table must match it exactly.
 */
const EXPECTED_NEXT: Record<Status, readonly Status[]> = {
  REGISTERED: ["PENDING", "CONCURRENCY_CONTROLLED", "CONCURRENCY_CONTROLLED_FINAL", "CANCELLED"],
  PENDING: ["RUNNING", "KILLED", "REROUTED", "PENDING_RECOVERY", "CANCELLED"],
  RUNNING: ["PAUSED", "SUCCESS", "FAILED", "RETRY", "KILLED", "RUNNING_RECOVERY", "CANCELLED", "TIMED_OUT"],
  PAUSED: ["RESUMED", "KILLED", "RUNNING_RECOVERY", "CANCELLED", "TIMED_OUT"],
  RESUMED: ["RUNNING", "KILLED", "RUNNING_RECOVERY", "CANCELLED", "TIMED_OUT"],
  RETRY: ["PENDING", "CONCURRENCY_CONTROLLED", "CONCURRENCY_CONTROLLED_FINAL", "CANCELLED"],
  KILLED: ["REROUTED", "CANCELLED"],
  REROUTED: ["PENDING", "CONCURRENCY_CONTROLLED", "CANCELLED"],
  CONCURRENCY_CONTROLLED: ["REROUTED", "CANCELLED"],
  PENDING_RECOVERY: ["REROUTED", "CANCELLED"],
  RUNNING_RECOVERY: ["REROUTED", "CANCELLED"],
  SUCCESS: [],
  FAILED: [],
  CONCURRENCY_CONTROLLED_FINAL: [],
  CANCELLED: [],
  TIMED_OUT: [],
};

const ALL = Object.keys(EXPECTED_NEXT) as Status[];
const FINALS: readonly Status[] = [
  "SUCCESS",
  "FAILED",
  "CONCURRENCY_CONTROLLED_FINAL",
  "CANCELLED",
  "TIMED_OUT",
];
const RUNNABLE: readonly Status[] = ["REGISTERED", "REROUTED", "RETRY"];
/** Statuses in which the invocation has an owner that alone may move it on. */
const OWNED: readonly Status[] = ["PENDING", "RUNNING", "PAUSED", "RESUMED"];
/** Entering these clears the owner. */
const RELEASING: readonly Status[] = [
  "REGISTERED",
  "REROUTED",
  "RETRY",
  "KILLED",
  "CONCURRENCY_CONTROLLED",
  ...FINALS,
];
const RECOVERY: readonly Status[] = ["PENDING_RECOVERY", "RUNNING_RECOVERY"];

const sortedCopy = (list: readonly Status[]): Status[] => [...list].sort();

/** Every legal (from, to) pair of the expected table. */
const LEGAL: [Status, Status][] = ALL.flatMap((from) =>
  EXPECTED_NEXT[from].map((to): [Status, Status] => [from, to]),
);

/** The owner a record in `status` has when it was reached by runner `r1` in a consistent history. */
function ownerIn(status: Status): string | null {
  return OWNED.includes(status) ? "r1" : null;
}

function rec(status: Status, owner: string | null = ownerIn(status), at = 1): StatusRecord {
  return { status, owner, at };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  assert.fail("expected an error");
}

describe("status table", () => {
  it("has exactly the statuses of DESIGN §4", () => {
    assert.deepEqual(sortedCopy(Object.values(InvocationStatus)), sortedCopy(ALL));
    assert.deepEqual(sortedCopy(Object.keys(STATUS_TABLE) as Status[]), sortedCopy(ALL));
    for (const [key, value] of Object.entries(InvocationStatus)) assert.equal(key, value);
  });

  for (const status of ALL) {
    it(`${status} moves to exactly ${EXPECTED_NEXT[status].join(", ") || "nothing"}`, () => {
      assert.deepEqual(sortedCopy(STATUS_TABLE[status].next), sortedCopy(EXPECTED_NEXT[status]));
      assert.equal(new Set(STATUS_TABLE[status].next).size, STATUS_TABLE[status].next.length);
    });
  }

  it("has the final statuses, and only those, with no next status", () => {
    for (const status of ALL) {
      assert.equal(STATUS_TABLE[status].final, FINALS.includes(status), status);
      assert.equal(isFinal(status), FINALS.includes(status), status);
      assert.equal(STATUS_TABLE[status].next.length === 0, FINALS.includes(status), status);
    }
    assert.deepEqual(sortedCopy(FINAL_STATUSES), sortedCopy(FINALS));
  });

  it("has REGISTERED, REROUTED and RETRY as the only runnable statuses", () => {
    for (const status of ALL) {
      assert.equal(STATUS_TABLE[status].runnable, RUNNABLE.includes(status), status);
      assert.equal(isRunnable(status), RUNNABLE.includes(status), status);
    }
    assert.deepEqual(sortedCopy(RUNNABLE_STATUSES), sortedCopy(RUNNABLE));
  });

  it("gives every status the ownership rule of DESIGN §4", () => {
    for (const status of ALL) {
      const expected =
        status === "PENDING"
          ? Ownership.acquires
          : RECOVERY.includes(status)
            ? Ownership.overrides
            : OWNED.includes(status)
              ? Ownership.requires
              : Ownership.releases;
      assert.equal(STATUS_TABLE[status].ownership, expected, status);
    }
  });

  it("starts every invocation in REGISTERED", () => {
    assert.equal(INITIAL_STATUS, "REGISTERED");
  });

  it("only leads to statuses reachable from REGISTERED, and every status is reachable", () => {
    const seen = new Set<Status>([INITIAL_STATUS]);
    const queue: Status[] = [INITIAL_STATUS];
    for (let s = queue.shift(); s; s = queue.shift()) {
      for (const next of STATUS_TABLE[s].next) {
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    assert.deepEqual(sortedCopy([...seen]), sortedCopy(ALL));
  });
});

describe("transition()", () => {
  it("allows every change of the table by the owner, returning the new record", () => {
    for (const [from, to] of LEGAL) {
      const runner = ownerIn(from) ?? "r1";
      const current = rec(from);
      const next = transition("inv", current, to, runner, 42);
      assert.equal(next.status, to, `${from} -> ${to}`);
      assert.equal(next.at, 42);
      assert.deepEqual(current, rec(from), "transition() changed its input");
    }
  });

  it("rejects every change not in the table with a StatusTransitionError naming from, to and the allowed list", () => {
    for (const from of ALL) {
      for (const to of ALL) {
        if (EXPECTED_NEXT[from].includes(to)) continue;
        for (const runner of [ownerIn(from) ?? "r1", "r2", null]) {
          const error = thrown(() => transition("inv-1", rec(from), to, runner, 2));
          assert.ok(error instanceof StatusTransitionError, `${from} -> ${to}`);
          assert.ok(!(error instanceof OwnershipError), `${from} -> ${to} is illegal whoever asks`);
          assert.match(error.message, new RegExp(`\\b${from}\\b`));
          assert.match(error.message, new RegExp(`\\b${to}\\b`));
          assert.match(error.message, /inv-1/);
          for (const allowed of EXPECTED_NEXT[from])
            assert.match(error.message, new RegExp(`\\b${allowed}\\b`));
        }
      }
    }
  });

  it("makes the runner that moves an invocation to PENDING its owner", () => {
    for (const from of ["REGISTERED", "REROUTED", "RETRY"] as const) {
      assert.deepEqual(transition("inv", rec(from), "PENDING", "r7", 5), {
        status: "PENDING",
        owner: "r7",
        at: 5,
      });
    }
  });

  it("refuses to move an invocation to PENDING without a runner id", () => {
    for (const from of ["REGISTERED", "REROUTED", "RETRY"] as const) {
      assert.throws(() => transition("inv", rec(from), "PENDING", null, 5), OwnershipError);
      assert.throws(() => transition("inv", rec(from), "PENDING", "", 5), OwnershipError);
    }
  });

  it("lets only the owner move an owned invocation, naming both runners when another tries", () => {
    for (const from of OWNED) {
      for (const to of EXPECTED_NEXT[from]) {
        if (RECOVERY.includes(to)) continue;
        const current = rec(from, "owner-1");
        assert.equal(transition("inv", current, to, "owner-1", 2).status, to);
        const error = thrown(() => transition("inv", current, to, "intruder-2", 2));
        assert.ok(error instanceof OwnershipError, `${from} -> ${to} by another runner`);
        assert.match(error.message, /owner-1/);
        assert.match(error.message, /intruder-2/);
        assert.throws(
          () => transition("inv", current, to, null, 2),
          OwnershipError,
          `${from} -> ${to} by nobody`,
        );
      }
    }
  });

  it("keeps the owner between owned statuses", () => {
    for (const [from, to] of LEGAL) {
      if (!OWNED.includes(from) || !OWNED.includes(to)) continue;
      assert.equal(transition("inv", rec(from, "r9"), to, "r9", 2).owner, "r9", `${from} -> ${to}`);
    }
  });

  it("clears the owner on REGISTERED, REROUTED, RETRY, KILLED, CONCURRENCY_CONTROLLED and the finals", () => {
    let checked = 0;
    for (const [from, to] of LEGAL) {
      if (!RELEASING.includes(to)) continue;
      const runner = ownerIn(from) ?? "r3";
      assert.equal(transition("inv", rec(from), to, runner, 2).owner, null, `${from} -> ${to}`);
      checked++;
    }
    assert.ok(checked >= 10);
  });

  it("lets any runner move an owned invocation to a recovery status, and clears the owner", () => {
    for (const [from, to] of LEGAL) {
      if (!RECOVERY.includes(to)) continue;
      for (const runner of ["r1", "monitor", null]) {
        assert.deepEqual(
          transition("inv", rec(from, "r1"), to, runner, 9),
          { status: to, owner: null, at: 9 },
          `${from} -> ${to} by ${runner}`,
        );
      }
    }
  });

  it("lets any runner move an invocation that has no owner", () => {
    for (const [from, to] of LEGAL) {
      if (OWNED.includes(from) || to === "PENDING") continue;
      for (const runner of ["r1", "r2", null]) {
        assert.equal(
          transition("inv", rec(from, null), to, runner, 2).status,
          to,
          `${from} -> ${to} by ${runner}`,
        );
      }
    }
  });

  it("accepts every legal step and rejects every illegal one along random paths", () => {
    let seed = 0x2f6b_1a3d;
    const random = (): number => {
      // mulberry32: deterministic, so a failure reproduces.
      seed = (seed + 0x6d2b79f5) | 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(list: readonly T[]): T => {
      const item = list[Math.floor(random() * list.length)];
      assert.ok(item !== undefined);
      return item;
    };
    const runners = ["r1", "r2", "r3"];
    const visited = new Set<Status>();

    for (let path = 0; path < 3000; path++) {
      let current: StatusRecord = { status: INITIAL_STATUS, owner: null, at: 0 };
      const trail: Status[] = [current.status];
      for (let step = 1; step <= 40 && !FINALS.includes(current.status); step++) {
        visited.add(current.status);
        for (const illegal of ALL.filter((s) => !EXPECTED_NEXT[current.status].includes(s))) {
          const from = current;
          assert.throws(
            () => transition("inv", from, illegal, from.owner ?? pick(runners), step),
            StatusTransitionError,
            `${trail.join(" > ")} > ${illegal} should fail`,
          );
        }
        const to = pick(EXPECTED_NEXT[current.status]);
        // The owner moves owned invocations; recovery comes from anyone; free ones are moved by anyone.
        const runner = RECOVERY.includes(to) ? pick([...runners, null]) : (current.owner ?? pick(runners));
        trail.push(to);
        const next = transition("inv", current, to, runner, step);
        assert.equal(next.status, to, trail.join(" > "));
        assert.equal(next.at, step);
        const expectedOwner = to === "PENDING" ? runner : OWNED.includes(to) ? current.owner : null;
        assert.equal(next.owner, expectedOwner, trail.join(" > "));
        current = next;
      }
      visited.add(current.status);
    }
    assert.deepEqual(sortedCopy([...visited]), sortedCopy(ALL), "the random walks missed some statuses");
  });
});

describe("refuseUnderCancel()", () => {
  it("refuses the ends a cancel request rules out, REROUTED included, and allows CANCELLED", () => {
    for (const to of ["SUCCESS", "FAILED", "TIMED_OUT", "RETRY", "REROUTED"] as const) {
      const error = thrown(() => refuseUnderCancel("inv-3", to));
      assert.ok(error instanceof CancelRequestedError, to);
      assert.match(error.message, /inv-3/);
    }
    for (const to of ALL.filter((s) => !["SUCCESS", "FAILED", "TIMED_OUT", "RETRY", "REROUTED"].includes(s)))
      refuseUnderCancel("inv-3", to);
  });

  it("leaves a recovered invocation under a cancel request a way out: CANCELLED, by any runner", () => {
    for (const from of RECOVERY) {
      assert.ok(STATUS_TABLE[from].next.includes("CANCELLED"), from);
      for (const runner of ["r1", "monitor", null])
        assert.deepEqual(transition("inv", rec(from), "CANCELLED", runner, 4), {
          status: "CANCELLED",
          owner: null,
          at: 4,
        });
    }
  });
});
