import { randomUUID } from "node:crypto";
import { TriggerError } from "../errors/errors.js";
import type { TynencEvents } from "../events.js";
import { executionStorage } from "../invocation/context.js";
import type { Invocation } from "../invocation/invocation.js";
import type { InvocationRecord } from "../invocation/invocation-record.js";
import type { InvocationStatus } from "../invocation/status.js";
import type { SafeEmitter } from "../logging/index.js";
import type { Awaitable } from "../util/awaitable.js";
import type { CompiledTrigger, TriggerNode } from "./compile.js";
import { CronClock } from "./cron-clock.js";
import { Firing, type FiringHost, type PortableContext } from "./firing.js";

/** What the app's triggers need of the app, besides firing. */
export interface AppTriggersHost extends FiringHost {
  readonly events: SafeEmitter<TynencEvents>;
  readInvocation(id: string): Awaitable<InvocationRecord | undefined>;
  /** The result of a finished invocation; throws (or rejects with) its error when it failed. */
  decodeOutcome(id: string): Awaitable<unknown>;
  /** `conf.cronCatchUp`: how many missed cron ticks a runner fires when it takes the clock over. */
  cronCatchUp(): number;
}

type StatusEvent = TynencEvents["invocation:status"];

/**
 * The triggers of one app, indexed by what satisfies them: events by name, status changes by the
 * watched task, cron ticks (kept by a runner's CronClock). Events are matched in the emitting process,
 * status changes in the process that made them (right after, so each fires once).
 */
export class AppTriggers {
  readonly firing: Firing;
  private readonly byEvent = new Map<string, TriggerNode[]>();
  private readonly byTask = new Map<string, TriggerNode[]>();
  /** Statuses some trigger watches: other changes are let through without a read. */
  private readonly statuses = new Set<InvocationStatus>();
  private readonly cronLeaves: TriggerNode[] = [];
  private readonly owners = new Map<string, string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private listening = false;

  constructor(private readonly host: AppTriggersHost) {
    this.firing = new Firing(host);
  }

  /** Throws when a trigger of another task already has one of these ids. */
  checkIds(triggers: readonly CompiledTrigger[]): void {
    for (const trigger of triggers) {
      const owner = this.owners.get(trigger.id);
      if (owner !== undefined) {
        throw new TriggerError(
          `Task "${trigger.taskId}": trigger id "${trigger.id}" is already the id of a trigger of task "${owner}"; give one of them another \`id\` option`,
        );
      }
    }
  }

  /** Add the checked triggers of one task (see `checkIds`). */
  add(triggers: readonly CompiledTrigger[]): void {
    for (const trigger of triggers) {
      this.owners.set(trigger.id, trigger.taskId);
      this.index(trigger.node);
    }
  }

  private index(node: TriggerNode): void {
    for (const child of node.children) this.index(child);
    if (node.eventName !== undefined) push(this.byEvent, node.eventName, node);
    if (node.cron) this.cronLeaves.push(node);
    if (node.watchedTaskId !== undefined) {
      push(this.byTask, node.watchedTaskId, node);
      for (const status of node.statuses!) this.statuses.add(status);
      if (!this.listening) {
        this.listening = true; // only now: without status triggers, status changes cost nothing more
        this.host.events.on("invocation:status", (event) => this.statusChanged(event));
      }
    }
  }

  /** `app.emitEvent`: resolves to the event id once the invocations it triggers are registered. */
  async emitEvent(name: unknown, payload: unknown): Promise<string> {
    if (typeof name !== "string" || name === "") {
      throw new TriggerError(
        `app.emitEvent: the event name must be a non-empty string, got ${name === "" ? "an empty string" : typeof name}`,
      );
    }
    const text = this.host.serializer.serialize(payload, `the payload of event "${name}"`);
    const id = randomUUID();
    const leaves = this.byEvent.get(name);
    if (!leaves) return id;
    const copy = this.host.serializer.deserialize(text); // what a process elsewhere would see
    const event = { id, name, payload: copy };
    const portable: PortableContext = { k: "event", id, name, payload: copy };
    const sources = [{ kind: "event" as const, eventId: id, name }];
    const fired: Invocation<unknown>[] = [];
    for (const leaf of leaves) {
      const context = { event };
      if (!this.firing.passes(leaf, context)) continue;
      if (!leaf.parent) {
        const invocation = this.firing.fire(leaf.root, { context, portable, sources });
        if (invocation) fired.push(invocation);
      } else fired.push(...(await this.firing.satisfied(leaf, { context, portable, sources })));
    }
    await Promise.all(fired.map((invocation) => invocation.registered));
    return id;
  }

  private statusChanged({ invocationId, status }: StatusEvent): void {
    if (!this.statuses.has(status)) return;
    // Not inside the invocation whose status changed: what fires has no parent.
    executionStorage.exit(() => this.track(this.matchStatus(invocationId, status)));
  }

  private async matchStatus(id: string, status: InvocationStatus): Promise<void> {
    const record = await this.host.readInvocation(id);
    const leaves = record && this.byTask.get(record.taskId);
    if (!leaves) return;
    let args: unknown[] | undefined;
    let outcome: { value: unknown } | undefined;
    for (const leaf of leaves) {
      if (!leaf.statuses!.has(status)) continue;
      args ??= await this.host.argsOf(record.serializedArgs);
      const invocation = this.host.handle(record, args);
      let context: object;
      let portable: PortableContext;
      const stored = {
        id,
        taskId: record.taskId,
        parentId: record.parentId,
        serializedArgs: record.serializedArgs,
      };
      if (leaf.kind === "status") {
        context = { status, invocation };
        portable = { k: "status", record: stored, status };
      } else {
        outcome ??= await this.outcomeOf(id);
        const value = outcome.value;
        if (leaf.kind === "failure" && !matchesErrors(leaf, value)) continue;
        context = leaf.kind === "success" ? { result: value, invocation } : { error: value, invocation };
        portable = { k: leaf.kind as "success" | "failure", record: stored, status, value };
      }
      if (!this.firing.passes(leaf, context)) continue;
      const sources = [{ kind: "status" as const, invocationId: id, status }];
      await this.firing.satisfied(leaf, { context, portable, sources });
    }
  }

  private async outcomeOf(id: string): Promise<{ value: unknown }> {
    try {
      return { value: await this.host.decodeOutcome(id) };
    } catch (error) {
      return { value: error };
    }
  }

  /** A clock for the cron triggers of this app, or undefined when it has none. */
  clock(holdsLease: () => boolean): CronClock | undefined {
    if (this.cronLeaves.length === 0) return undefined;
    const track = <T>(work: Promise<T>) => this.track(work);
    return new CronClock(this.cronLeaves, this.host, this.firing, holdsLease, track);
  }

  /** Work under way (status matching, cron firings) is kept and logged if it fails; `settled` waits. */
  track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) =>
      this.host.logger.warn("Trigger evaluation failed; nothing fired for it", { error }),
    );
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  /** Resolves once the trigger work started so far is done (app.close waits for it). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }
}

function matchesErrors(leaf: TriggerNode, error: unknown): boolean {
  const errors = leaf.errors;
  return !errors || errors.some((cls) => error instanceof cls);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
