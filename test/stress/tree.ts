import type { Rng } from "./random.js";

/** Which registered task runs a node: they share one body and differ only in their options. */
export const TASK_KINDS = ["plain", "retry", "timeout", "keyed", "memo"] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** How a node awaits its children. */
export type AwaitMode = "seq" | "all" | "group" | "asCompleted";

/**
 * One task call, given to the task as its argument: what it computes, how it awaits its children and
 * what goes wrong in it. Every random decision taken inside a task is drawn here, before the round runs.
 */
export interface StressNode {
  /** Unique per drawn node; a memoized copy keeps the id (same arguments, same invocation). */
  readonly id: number;
  readonly task: TaskKind;
  readonly value: number;
  readonly mode: AwaitMode;
  readonly children: readonly StressNode[];
  /** `firstAttempt`: only the first run of this invocation throws (a retry task then succeeds). */
  readonly fail?: "always" | "firstAttempt";
  readonly failAt?: "start" | "end";
  /** Work before returning, in ms; `honorSignal` ends it early when the invocation is aborted. */
  readonly sleepMs: number;
  readonly honorSignal: boolean;
  /** The concurrency key of a `keyed` node. */
  readonly key: number;
  /** A cancel issued by the task itself: of itself, or of the n-th invocation of the round. */
  readonly cancel?: { readonly target: "self" | number; readonly at: "start" | "end" };
}

export interface TreeFeatures {
  /** registrationConcurrency + callResultCache: needs a backend that answers at once. */
  readonly memo: boolean;
  readonly innerCancels: boolean;
}

const MAX_DEPTH = 3;

/** A random tree of at most about `maxNodes` calls. */
export function randomTree(rng: Rng, features: TreeFeatures, maxNodes: number): StressNode {
  const drawn: StressNode[] = [];
  const kinds = TASK_KINDS.filter((kind) => kind !== "memo" || features.memo);
  const draw = (depth: number, task: TaskKind): StressNode => {
    // A finished memo subtree may be called again elsewhere: never an ancestor, so never a wait cycle.
    const memos = drawn.filter((node) => node.task === "memo");
    if (task === "memo" && memos.length && rng.chance(0.5)) return rng.pick(memos);
    const room = depth < MAX_DEPTH && drawn.length < maxNodes;
    const mode = rng.pick<AwaitMode>(["seq", "all", "group", "asCompleted"]);
    const grouped = mode === "group" || mode === "asCompleted";
    const groupTask = rng.pick(kinds);
    const count = room ? rng.int(0, depth === 0 ? 4 : 3) : 0;
    const children: StressNode[] = [];
    for (let i = 0; i < count; i++) children.push(draw(depth + 1, grouped ? groupTask : rng.pick(kinds)));
    const fail = rng.chance(0.15) ? rng.pick(["always", "firstAttempt"] as const) : undefined;
    const node: StressNode = {
      id: drawn.length,
      task,
      value: rng.int(1, 100),
      mode,
      children,
      ...(fail && { fail, failAt: rng.pick(["start", "end"] as const) }),
      sleepMs: rng.chance(0.3) ? rng.int(1, 4) : 0,
      honorSignal: rng.chance(0.5),
      key: rng.int(0, 1),
      ...(features.innerCancels &&
        rng.chance(0.08) && {
          cancel: {
            target: rng.chance(0.4) ? "self" : rng.int(0, 30),
            at: rng.pick(["start", "end"] as const),
          },
        }),
    };
    drawn.push(node);
    return node;
  };
  return draw(0, rng.pick(kinds));
}

export type Expected = { readonly ok: true; readonly value: number } | { readonly ok: false };

/** Whether a node's own failure is final: a first-attempt failure is retried away by the retry task. */
function failsForGood(node: StressNode): boolean {
  return node.fail === "always" || (node.fail === "firstAttempt" && node.task !== "retry");
}

/** The plain recursive computation of a node: what its invocation ends with when nothing interferes. */
export function expectedOutcome(node: StressNode): Expected {
  const failing = failsForGood(node);
  if (failing && node.failAt === "start") return { ok: false };
  let sum = node.value;
  for (const child of node.children) {
    const outcome = expectedOutcome(child);
    if (!outcome.ok) return outcome;
    sum += outcome.value;
  }
  return failing ? { ok: false } : { ok: true, value: sum };
}

/** Every node of the tree, copies once. */
export function treeSize(node: StressNode, seen = new Set<number>()): number {
  if (seen.has(node.id)) return 0;
  seen.add(node.id);
  return 1 + node.children.reduce((n, child) => n + treeSize(child, seen), 0);
}
