import { createHash } from "node:crypto";
import { TriggerError } from "../errors/errors.js";
import { InvocationStatus } from "../invocation/status.js";
import type { ErrorClass } from "../retry/index.js";
import { CronSchedule } from "./cron-schedule.js";
import { isTriggerSpec, type TriggerKind, type TriggerSpec } from "./trigger.js";

/** One trigger of a task, checked, with its id and its tree of parts. */
export interface CompiledTrigger {
  readonly id: string;
  readonly taskId: string;
  /** Static argument list, a function of the context, or undefined (no arguments). */
  readonly args: unknown;
  readonly node: TriggerNode;
}

/** A trigger or a part of a composite one. Parts have ids derived from their parent's. */
export interface TriggerNode {
  readonly id: string;
  readonly kind: TriggerKind;
  readonly root: CompiledTrigger;
  readonly parent: TriggerNode | undefined;
  /** Its position among its parent's parts. */
  readonly index: number;
  readonly children: readonly TriggerNode[];
  readonly filter: ((context: unknown) => unknown) | undefined;
  readonly cron?: CronSchedule;
  readonly eventName?: string;
  readonly watchedTaskId?: string;
  readonly statuses?: ReadonlySet<InvocationStatus>;
  readonly errors?: readonly ErrorClass[];
}

/** What compiling needs of the app. */
export interface CompileHost {
  /** The id of `task` if it is a task of this app, else undefined. */
  ownTaskId(task: unknown): string | undefined;
  /** Text of a static argument list, for the id (throws if it cannot be serialized). */
  argsText(args: readonly unknown[]): string;
  /** Error classes an onFailure lists come back from the backend as themselves (registered classes). */
  knowErrors(classes: readonly ErrorClass[]): void;
}

const STATUSES = new Set<string>(Object.values(InvocationStatus));
const WATCHES_TASK = new Set<TriggerKind>(["status", "success", "failure"]);

/** Check `triggers` of task `taskId` and give each its id; throws TriggerError naming what is wrong. */
export function compileTriggers(taskId: string, triggers: unknown, host: CompileHost): CompiledTrigger[] {
  if (!Array.isArray(triggers)) {
    throw new TriggerError(
      `Task "${taskId}": the option "triggers" must be an array of triggers (made by cron, onEvent, onStatus, onSuccess, onFailure, allOf, anyOf), got ${typeof triggers}`,
    );
  }
  const compiled: CompiledTrigger[] = [];
  const seen = new Map<string, number>();
  for (const [position, spec] of (triggers as unknown[]).entries()) {
    const where = `Task "${taskId}", trigger #${position + 1}`;
    const trigger = compileRoot(taskId, spec, where, host);
    const before = seen.get(trigger.id);
    if (before !== undefined) {
      throw new TriggerError(
        `${where}: it has the same id "${trigger.id}" as trigger #${before + 1} (the same definition, or the same explicit id); give one of them another \`id\` option`,
      );
    }
    seen.set(trigger.id, position);
    compiled.push(trigger);
  }
  return compiled;
}

function compileRoot(taskId: string, spec: unknown, where: string, host: CompileHost): CompiledTrigger {
  const checked = checkTree(spec, where, host, false);
  const args = checkArgs(checked.args, where);
  const id = checked.id ?? hashId(taskId, canonical(checked, host));
  const root = { id, taskId, args } as { id: string; taskId: string; args: unknown; node: TriggerNode };
  root.node = buildNode(checked, id, root, undefined, 0, `${where} (${describe(checked)})`, host);
  return root;
}

function buildNode(
  spec: TriggerSpec,
  id: string,
  root: CompiledTrigger,
  parent: TriggerNode | undefined,
  index: number,
  where: string,
  host: CompileHost,
): TriggerNode {
  const children: TriggerNode[] = [];
  const filter = spec.filter as TriggerNode["filter"];
  const node: TriggerNode = {
    ...leafFields(spec, where, host),
    id,
    kind: spec.kind,
    root,
    parent,
    index,
    children,
    filter,
  };
  if (spec.kind === "allOf" || spec.kind === "anyOf") {
    for (const [i, child] of (spec.children as unknown[]).entries()) {
      const part = child as TriggerSpec; // checked by checkTree
      const partWhere = `${where}, part #${i + 1} (${describe(part)})`;
      children.push(buildNode(part, `${id}/${i}`, root, node, i, partWhere, host));
    }
  }
  return node;
}

function leafFields(spec: TriggerSpec, where: string, host: CompileHost): Partial<TriggerNode> {
  if (spec.kind === "cron") {
    try {
      return { cron: new CronSchedule(spec.expression as string, spec.timezone as string | undefined) };
    } catch (error) {
      throw new TriggerError(
        `${where}: cron expression "${String(spec.expression)}" cannot be used: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  if (spec.kind === "event") return { eventName: spec.name as string };
  if (!WATCHES_TASK.has(spec.kind)) return {};
  const watchedTaskId = host.ownTaskId(spec.task)!;
  if (spec.kind === "success") return { watchedTaskId, statuses: new Set([InvocationStatus.SUCCESS]) };
  if (spec.kind === "failure") {
    if (spec.errors) host.knowErrors(spec.errors as ErrorClass[]);
    return {
      watchedTaskId,
      statuses: new Set([InvocationStatus.FAILED]),
      errors: spec.errors as ErrorClass[],
    };
  }
  return { watchedTaskId, statuses: new Set(spec.statuses as InvocationStatus[]) };
}

/** Checks a trigger and its parts (before its id is derived from them). */
function checkTree(spec: unknown, where: string, host: CompileHost, part: boolean): TriggerSpec {
  const checked = checkSpec(spec, where, host, part);
  if (checked.kind === "allOf" || checked.kind === "anyOf") {
    const at = `${where} (${describe(checked)})`;
    for (const [i, child] of (checked.children as unknown[]).entries())
      checkTree(child, `${at}, part #${i + 1}`, host, true);
  }
  return checked;
}

/** Checks one builder's fields; `part`: inside allOf/anyOf, where args and id are the composite's. */
function checkSpec(spec: unknown, where: string, host: CompileHost, part: boolean): TriggerSpec {
  if (!isTriggerSpec(spec)) {
    throw new TriggerError(
      `${where}: ${describeValue(spec)} is not a trigger; make triggers with cron, onEvent, onStatus, onSuccess, onFailure, allOf or anyOf (imported from "tynenc")`,
    );
  }
  const at = `${where} (${describe(spec)})`;
  if (part && (spec.args !== undefined || spec.id !== undefined)) {
    throw new TriggerError(
      `${at}: a part of allOf/anyOf takes no \`args\` or \`id\` option; give them to the allOf/anyOf itself`,
    );
  }
  if (spec.id !== undefined && (typeof spec.id !== "string" || spec.id === "")) {
    throw new TriggerError(`${at}: option "id" must be a non-empty string, got ${describeValue(spec.id)}`);
  }
  if (spec.filter !== undefined && typeof spec.filter !== "function") {
    throw new TriggerError(`${at}: option "filter" must be a function of the context returning a boolean`);
  }
  checkKind(spec, at, host);
  return spec;
}

function checkKind(spec: TriggerSpec, at: string, host: CompileHost): void {
  switch (spec.kind) {
    case "cron":
      if (typeof spec.expression !== "string")
        throw new TriggerError(`${at}: the cron expression must be a string such as "*/5 * * * *"`);
      if (spec.timezone !== undefined && typeof spec.timezone !== "string")
        throw new TriggerError(
          `${at}: option "timezone" must be an IANA time zone name such as "Europe/Paris"`,
        );
      return;
    case "event":
      if (typeof spec.name !== "string" || spec.name === "")
        throw new TriggerError(`${at}: the event name must be a non-empty string`);
      return;
    case "allOf":
    case "anyOf":
      if (!Array.isArray(spec.children) || spec.children.length === 0)
        throw new TriggerError(`${at}: give ${spec.kind} a non-empty array of triggers`);
      return;
    default:
      return checkWatched(spec, at, host);
  }
}

function checkWatched(spec: TriggerSpec, at: string, host: CompileHost): void {
  if (host.ownTaskId(spec.task) === undefined) {
    throw new TriggerError(
      `${at}: the watched task (${describeValue(spec.task)}) is not a task of this app; pass a task returned by this app's app.task(...), registered before this one`,
    );
  }
  if (spec.kind === "status") {
    const statuses = spec.statuses;
    if (!Array.isArray(statuses) || statuses.length === 0)
      throw new TriggerError(
        `${at}: give onStatus a non-empty array of statuses, e.g. ["SUCCESS", "FAILED"]`,
      );
    const unknown = (statuses as unknown[]).filter((s) => typeof s !== "string" || !STATUSES.has(s));
    if (unknown.length > 0) {
      throw new TriggerError(
        `${at}: unknown status(es) ${unknown.map((s) => JSON.stringify(s)).join(", ")}; known: ${[...STATUSES].join(", ")}`,
      );
    }
  }
  if (spec.kind === "failure" && spec.errors !== undefined) {
    const errors = spec.errors;
    if (!Array.isArray(errors) || errors.some((e) => typeof e !== "function")) {
      throw new TriggerError(
        `${at}: option "errors" must be an array of error classes (constructors such as TypeError), got ${describeValue(errors)}`,
      );
    }
  }
}

function checkArgs(args: unknown, where: string): unknown {
  if (args === undefined || Array.isArray(args) || typeof args === "function") return args;
  throw new TriggerError(
    `${where}: option "args" must be an array of the task's arguments or a function of the context returning one, got ${describeValue(args)}`,
  );
}

/** The definition as text, for the id: what makes two triggers the same. */
function canonical(spec: TriggerSpec, host: CompileHost): unknown[] {
  const text = (fn: unknown) => (typeof fn === "function" ? `fn:${String(fn)}` : undefined);
  const args = Array.isArray(spec.args) ? `static:${host.argsText(spec.args)}` : text(spec.args);
  const fields: unknown[] = [spec.kind, text(spec.filter) ?? null, args ?? null];
  switch (spec.kind) {
    case "cron":
      return [...fields, (spec.expression as string).trim().split(/\s+/).join(" "), spec.timezone ?? "UTC"];
    case "event":
      return [...fields, spec.name];
    case "status":
      return [...fields, host.ownTaskId(spec.task), [...(spec.statuses as string[])].sort()];
    case "success":
      return [...fields, host.ownTaskId(spec.task)];
    case "failure": {
      const names = ((spec.errors ?? []) as ErrorClass[]).map((e) => e.name).sort();
      return [...fields, host.ownTaskId(spec.task), names];
    }
    default:
      return [...fields, (spec.children as TriggerSpec[]).map((c) => canonical(c, host))];
  }
}

function hashId(taskId: string, definition: unknown[]): string {
  const hash = createHash("sha256").update(taskId).update("\n").update(JSON.stringify(definition));
  return `trg_${hash.digest("hex").slice(0, 24)}`;
}

/** How a trigger is named in messages: `onEvent "user.login"`, `cron "0 * * * *"`. */
export function describe(spec: TriggerSpec): string {
  switch (spec.kind) {
    case "cron":
      return `cron "${String(spec.expression)}"`;
    case "event":
      return `onEvent "${String(spec.name)}"`;
    case "status":
    case "success":
    case "failure": {
      const id = (spec.task as { id?: unknown } | null)?.id;
      const builder = { status: "onStatus", success: "onSuccess", failure: "onFailure" }[spec.kind];
      return `${builder} ${typeof id === "string" ? `"${id}"` : "(not a task)"}`;
    }
    default:
      return spec.kind;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}
