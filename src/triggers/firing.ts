import type { Invocation } from "../invocation/invocation.js";
import type { InvocationRecord } from "../invocation/invocation-record.js";
import type { InvocationStatus } from "../invocation/status.js";
import type { Logger } from "../logging/index.js";
import type { JsonSerializer } from "../serializer/index.js";
import type { Awaitable } from "../util/awaitable.js";
import type { CompiledTrigger, TriggerNode } from "./compile.js";
import type { TriggeredBy, TriggerSource, TriggerStore } from "./trigger-store.js";

/** What firing needs of the app. */
export interface FiringHost {
  readonly logger: Logger;
  readonly serializer: JsonSerializer;
  /** The backend's trigger store; throws saying so when the backend has none. */
  triggerStore(): TriggerStore;
  argsOf(serializedArgs: string): Awaitable<unknown[]>;
  /** A handle of a stored invocation (its parent known by id only). */
  handle(record: Pick<InvocationRecord, "id" | "taskId" | "parentId">, args: unknown[]): Invocation<unknown>;
  /** Register an invocation of `taskId` with no parent, made by a trigger. */
  callTriggered(taskId: string, args: unknown[], triggeredBy: TriggeredBy): Invocation<unknown>;
}

/** A context as stored for an allOf part: what another process needs to rebuild it. */
export type PortableContext =
  | { readonly k: "event"; readonly id: string; readonly name: string; readonly payload: unknown }
  | {
      readonly k: "status" | "success" | "failure";
      readonly record: Pick<InvocationRecord, "id" | "taskId" | "parentId" | "serializedArgs">;
      readonly status: InvocationStatus;
      /** The result (success) or the error (failure). */
      readonly value?: unknown;
    }
  | { readonly k: "cron"; readonly at: number }
  | { readonly k: "parts"; readonly parts: readonly (PortableContext | null)[] };

/** A satisfied trigger or part: the context its functions see, its portable form, what fired it. */
export interface Satisfaction {
  readonly context: object;
  readonly portable: PortableContext;
  readonly sources: readonly TriggerSource[];
}

/**
 * From a satisfied leaf up to its trigger: anyOf passes it on, allOf records the part in the trigger
 * store (atomic: only the call that completes the parts goes on), the trigger itself registers an
 * invocation of its task. A failing filter or args function is logged and skips that firing only.
 */
export class Firing {
  constructor(private readonly host: FiringHost) {}

  /** Whether `node`'s filter passes `context` (no filter: yes). A throwing or non-boolean filter: no. */
  passes(node: TriggerNode, context: object): boolean {
    if (!node.filter) return true;
    let answer: unknown;
    try {
      answer = node.filter(context);
    } catch (error) {
      this.skipped(node.root, "its filter threw", error);
      return false;
    }
    if (typeof answer === "boolean") return answer;
    this.skipped(node.root, `its filter returned ${describe(answer)}, not a boolean`);
    return false;
  }

  /** `node` is satisfied: go up; returns the invocations registered (none, or one per firing). */
  async satisfied(node: TriggerNode, satisfaction: Satisfaction): Promise<Invocation<unknown>[]> {
    const parent = node.parent;
    if (!parent) {
      const fired = this.fire(node.root, satisfaction);
      return fired ? [fired] : [];
    }
    const count = parent.children.length;
    if (parent.kind === "anyOf") {
      const parts: unknown[] = new Array<unknown>(count).fill(undefined);
      const portable: (PortableContext | null)[] = new Array<PortableContext | null>(count).fill(null);
      parts[node.index] = satisfaction.context;
      portable[node.index] = satisfaction.portable;
      const context = { parts };
      return this.satisfied(parent, {
        context,
        portable: { k: "parts", parts: portable },
        sources: satisfaction.sources,
      });
    }
    const text = this.host.serializer.serialize(
      { context: satisfaction.portable, sources: satisfaction.sources },
      `the context of part #${node.index + 1} of trigger ${node.root.id}`,
    );
    const stored = await this.host.triggerStore().satisfyPart(parent.id, node.index, count, text);
    if (!stored) return [];
    const revived = await Promise.all(stored.map((s) => this.revivePart(s)));
    const context = { parts: revived.map((r) => r.context) };
    const portable: PortableContext = { k: "parts", parts: revived.map((r) => r.portable) };
    return this.satisfied(parent, { context, portable, sources: revived.flatMap((r) => r.sources) });
  }

  private async revivePart(text: string): Promise<Satisfaction> {
    const { context, sources } = this.host.serializer.deserialize(text) as {
      context: PortableContext;
      sources: TriggerSource[];
    };
    return { context: await this.revive(context), portable: context, sources };
  }

  /** The context a filter or args function sees, rebuilt from its stored form. */
  async revive(portable: PortableContext): Promise<object> {
    switch (portable.k) {
      case "event":
        return { event: { id: portable.id, name: portable.name, payload: portable.payload } };
      case "cron":
        return { at: new Date(portable.at) };
      case "parts":
        return {
          parts: await Promise.all(
            portable.parts.map((p) => (p ? this.revive(p) : Promise.resolve(undefined))),
          ),
        };
      default: {
        const args = await this.host.argsOf(portable.record.serializedArgs);
        const invocation = this.host.handle(portable.record, args);
        if (portable.k === "success") return { result: portable.value, invocation };
        if (portable.k === "failure") return { error: portable.value, invocation };
        return { status: portable.status, invocation };
      }
    }
  }

  /** Register the trigger's invocation; undefined (logged) when its args function fails. */
  fire(trigger: CompiledTrigger, satisfaction: Satisfaction): Invocation<unknown> | undefined {
    let args: unknown = trigger.args ?? [];
    if (typeof args === "function") {
      try {
        args = (args as (context: object) => unknown)(satisfaction.context);
      } catch (error) {
        this.skipped(trigger, "its args function threw", error);
        return undefined;
      }
      if (!Array.isArray(args)) {
        this.skipped(trigger, `its args function returned ${describe(args)}, not an array of arguments`);
        return undefined;
      }
    }
    const triggeredBy = { triggerId: trigger.id, sources: satisfaction.sources };
    try {
      const invocation = this.host.callTriggered(trigger.taskId, args as unknown[], triggeredBy);
      if (this.host.logger.isEnabled("debug")) {
        this.host.logger.debug(`Trigger ${trigger.id} fired`, {
          task: trigger.taskId,
          invocation: invocation.id,
          sources: satisfaction.sources.map(sourceText).join(", "),
        });
      }
      return invocation;
    } catch (error) {
      this.skipped(trigger, "its call could not be registered", error);
      return undefined;
    }
  }

  /** A firing that does not happen: said once, with the trigger and the task, and nothing else stops. */
  skipped(trigger: CompiledTrigger, why: string, error?: unknown): void {
    this.host.logger.warn(`Trigger ${trigger.id} of task "${trigger.taskId}" did not fire: ${why}`, {
      trigger: trigger.id,
      task: trigger.taskId,
      ...(error === undefined ? {} : { error }),
    });
  }
}

function sourceText(source: TriggerSource): string {
  if (source.kind === "event") return `event ${source.name} (${source.eventId})`;
  if (source.kind === "cron") return `cron tick ${new Date(source.at).toISOString()}`;
  return `${source.status} of ${source.invocationId}`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Promise) return "a promise (filters and args functions must be synchronous)";
  if (typeof value === "object" || typeof value === "function") return `a ${typeof value}`;
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${value}`;
  return typeof value;
}
