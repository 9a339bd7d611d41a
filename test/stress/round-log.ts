import { FINAL_STATUSES, type Invocation, type InvocationStatus } from "../../src/index.js";
import type { StressNode } from "./tree.js";

/**
 * What one round saw: every invocation's statuses (from `invocation:status`), its node, its parent
 * calls and its attempts, the cancels that reported success, and the problems found on the way.
 */
export class RoundLog {
  readonly order: string[] = [];
  readonly statuses = new Map<string, InvocationStatus[]>();
  readonly handles = new Map<string, Invocation<number>>();
  readonly nodes = new Map<string, StressNode>();
  readonly children = new Map<string, Set<string>>();
  readonly attempts = new Map<string, number>();
  /** Invocations whose cancel() resolved true, and who cancelled them. */
  readonly cancelledTrue = new Map<string, string>();
  /**
   * Invocations a call got from the result cache already finished: reading their result is a read after
   * the finish, which retention may legally forget first (only reads made before the finish are kept).
   */
  readonly finishedWhenCalled = new Set<string>();
  readonly problems: string[] = [];
  /** RUNNING right now by the events, and the most ever seen at once. */
  readonly running = new Set<string>();
  maxRunning = 0;
  /** Every event and driver mark in the order seen, for a failure report. */
  readonly events: string[] = [];

  mark(text: string): void {
    this.events.push(`-- ${text} (running ${[...this.running].map((id) => id.slice(-8)).join(",")})`);
  }

  status(id: string, status: InvocationStatus): void {
    this.events.push(`${id.slice(-8)} ${status}`);
    let list = this.statuses.get(id);
    if (!list) this.statuses.set(id, (list = []));
    if (status === "REGISTERED" && !list.length) this.order.push(id);
    list.push(status);
    if (status === "RUNNING") this.running.add(id);
    else this.running.delete(id);
    this.maxRunning = Math.max(this.maxRunning, this.running.size);
  }

  called(parentId: string | undefined, invocation: Invocation<number>, node: StressNode): void {
    if (invocation.reused && this.isFinal(invocation.id)) this.finishedWhenCalled.add(invocation.id);
    if (!this.handles.has(invocation.id)) this.handles.set(invocation.id, invocation);
    this.nodes.set(invocation.id, node);
    if (!parentId) return;
    let set = this.children.get(parentId);
    if (!set) this.children.set(parentId, (set = new Set()));
    set.add(invocation.id);
  }

  /** The attempt number of the invocation's body that starts now (1 for the first run). */
  attempt(id: string): number {
    const n = (this.attempts.get(id) ?? 0) + 1;
    this.attempts.set(id, n);
    return n;
  }

  problem(text: string): void {
    this.problems.push(text);
  }

  last(id: string): InvocationStatus | undefined {
    return this.statuses.get(id)?.at(-1);
  }

  isFinal(id: string): boolean {
    const last = this.last(id);
    return last !== undefined && FINAL_STATUSES.includes(last);
  }

  allFinal(): boolean {
    return this.order.every((id) => this.isFinal(id));
  }

  /**
   * Whether something outside the plain computation touched this invocation or one it called:
   * a cancel, a timeout, or a kill by stop() (a rerun counts attempts differently).
   */
  disturbed(id: string, seen = new Set<string>()): boolean {
    if (seen.has(id)) return false;
    seen.add(id);
    const statuses = this.statuses.get(id) ?? [];
    if (statuses.some((s) => s === "CANCELLED" || s === "TIMED_OUT" || s === "KILLED")) return true;
    return [...(this.children.get(id) ?? [])].some((child) => this.disturbed(child, seen));
  }

  /** The events and marks in order, one per line. */
  describeEvents(): string {
    return this.events.join("\n");
  }

  /** One line per invocation, for a failure report. */
  describe(): string {
    return this.order
      .map((id) => `${id.slice(-8)} node ${this.nodes.get(id)?.id}: ${this.statuses.get(id)?.join(">")}`)
      .join("\n");
  }
}
