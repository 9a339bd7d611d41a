import type { Invocation } from "../invocation/invocation.js";
import type { InvocationStatus } from "../invocation/status.js";
import type { ErrorClass } from "../retry/index.js";
import type { Task } from "../task/task.js";

/** What a filter or args function of an `onEvent` trigger receives. */
export interface EventContext<P = unknown> {
  readonly event: { readonly id: string; readonly name: string; readonly payload: P };
}
/** `onSuccess`: the result and the handle of the invocation that returned it. */
export interface SuccessContext<R = unknown> {
  readonly result: R;
  readonly invocation: Invocation<R>;
}
/** `onFailure`: the error and the handle of the invocation that threw it. */
export interface FailureContext {
  readonly error: Error;
  readonly invocation: Invocation<unknown>;
}
/** `onStatus`: the status reached and the handle of the invocation that reached it. */
export interface StatusContext {
  readonly status: InvocationStatus;
  readonly invocation: Invocation<unknown>;
}
/** `cron`: the tick's scheduled time. */
export interface CronContext {
  readonly at: Date;
}
/** `allOf`: the context of each part; `anyOf`: the satisfied part's, the others undefined. */
export interface CompositeContext<P extends readonly unknown[] = readonly unknown[]> {
  readonly parts: P;
}

export type TriggerKind = "cron" | "event" | "status" | "success" | "failure" | "allOf" | "anyOf";

/** The arguments a trigger calls its task with: a static list, or a function of what fired it. */
export type TriggerArgs<A extends readonly unknown[], C> = A | ((context: C) => A);

declare const argsType: unique symbol;
declare const contextType: unique symbol;

/**
 * When a task starts itself: made by `cron`, `onEvent`, `onStatus`, `onSuccess`, `onFailure`, `allOf`
 * and `anyOf`, given in the task option `triggers`. `A` is the argument list it calls the task with
 * (checked against the task's parameters), `C` the context its filter and args functions receive.
 */
export interface Trigger<A extends readonly unknown[] = readonly unknown[], C = never> {
  readonly kind: TriggerKind;
  /** Type-level only: the arguments and the context (never set at run time). */
  readonly [argsType]?: A;
  readonly [contextType]?: (context: C) => void;
}

/** The runtime definition behind a Trigger (what the builders make; see triggers/compile.ts). */
export interface TriggerSpec extends Trigger {
  readonly id: string | undefined;
  readonly args: unknown;
  readonly filter?: unknown;
  readonly expression?: unknown;
  readonly timezone?: unknown;
  readonly name?: unknown;
  readonly task?: unknown;
  readonly statuses?: unknown;
  readonly errors?: unknown;
  readonly children?: unknown;
}

const specs = new WeakSet<object>();

/** Whether `value` was made by one of the builders. */
export function isTriggerSpec(value: unknown): value is TriggerSpec {
  return typeof value === "object" && value !== null && specs.has(value);
}

function spec(
  kind: TriggerKind,
  fields: Omit<TriggerSpec, "kind" | "id" | "args">,
  options: unknown,
): Trigger<Any, Any> {
  const { id, args } = (options ?? {}) as { id?: unknown; args?: unknown };
  const made = Object.freeze({ kind, id, args, ...fields }) as TriggerSpec;
  specs.add(made);
  return made as Trigger<Any, Any>;
}

type Any = any;
type Filter<C> = (context: C) => boolean;
interface Common {
  /** A stable id instead of the one derived from the task and the definition. */
  readonly id?: string;
}
type WithArgs<A extends readonly unknown[], C> = Common & { readonly args: TriggerArgs<A, C> };

/**
 * Every tick of a cron expression: 5 fields, or 6 with seconds first; UTC unless `timezone` (an IANA
 * name such as "Europe/Paris"). One runner at a time (the one holding the recovery lease) keeps the clock.
 */
export function cron<const A extends readonly unknown[]>(
  expression: string,
  options: WithArgs<A, CronContext> & { readonly timezone?: string },
): Trigger<A, CronContext>;
export function cron(
  expression: string,
  options?: Common & { readonly timezone?: string },
): Trigger<[], CronContext>;
export function cron(expression: string, options?: object): Trigger<Any, Any> {
  const timezone = (options as { timezone?: unknown } | undefined)?.timezone;
  return spec("cron", { expression, timezone }, options);
}

/** Each `app.emitEvent(name, payload)` of this app (in any process) whose payload passes `filter`. */
export function onEvent<const A extends readonly unknown[], P = unknown>(
  name: string,
  options: WithArgs<A, EventContext<P>> & { readonly filter?: Filter<EventContext<P>> },
): Trigger<A, EventContext<P>>;
export function onEvent<P = unknown>(
  name: string,
  options?: Common & { readonly filter?: Filter<EventContext<P>> },
): Trigger<[], EventContext<P>>;
export function onEvent(name: string, options?: { filter?: unknown }): Trigger<Any, Any> {
  return spec("event", { name, filter: options?.filter }, options);
}

/** Each time an invocation of `task` reaches one of `statuses` (e.g. ["SUCCESS", "CANCELLED"]). */
export function onStatus<const A extends readonly unknown[]>(
  task: Task<Any, unknown>,
  statuses: readonly InvocationStatus[],
  options: WithArgs<A, StatusContext> & { readonly filter?: Filter<StatusContext> },
): Trigger<A, StatusContext>;
export function onStatus(
  task: Task<Any, unknown>,
  statuses: readonly InvocationStatus[],
  options?: Common & { readonly filter?: Filter<StatusContext> },
): Trigger<[], StatusContext>;
export function onStatus(
  task: unknown,
  statuses: unknown,
  options?: { filter?: unknown },
): Trigger<Any, Any> {
  return spec("status", { task, statuses, filter: options?.filter }, options);
}

/** Each success of an invocation of `task` whose result passes `filter`. */
export function onSuccess<R, const A extends readonly unknown[]>(
  task: Task<Any, R>,
  options: {
    readonly id?: string;
    readonly filter?: Filter<SuccessContext<NoInfer<R>>>;
    readonly args: TriggerArgs<A, SuccessContext<NoInfer<R>>>;
  },
): Trigger<A, SuccessContext<R>>;
export function onSuccess<R>(
  task: Task<Any, R>,
  options?: Common & { readonly filter?: Filter<SuccessContext<R>> },
): Trigger<[], SuccessContext<R>>;
export function onSuccess(task: unknown, options?: { filter?: unknown }): Trigger<Any, Any> {
  return spec("success", { task, filter: options?.filter }, options);
}

/**
 * Each final failure of an invocation of `task` (not the attempts that are retried), with an error of
 * one of `errors` (subclasses included); every failure without `errors`.
 */
export function onFailure<const A extends readonly unknown[]>(
  task: Task<Any, unknown>,
  options: WithArgs<A, FailureContext> & { readonly errors?: readonly ErrorClass[] },
): Trigger<A, FailureContext>;
export function onFailure(
  task: Task<Any, unknown>,
  options?: Common & { readonly errors?: readonly ErrorClass[] },
): Trigger<[], FailureContext>;
export function onFailure(task: unknown, options?: { errors?: unknown }): Trigger<Any, Any> {
  return spec("failure", { task, errors: options?.errors }, options);
}

type ContextOf<T> = T extends Trigger<Any, infer C> ? C : never;
type AllContexts<T extends readonly unknown[]> = { readonly [K in keyof T]: ContextOf<T[K]> };
type AnyContexts<T extends readonly unknown[]> = { readonly [K in keyof T]: ContextOf<T[K]> | undefined };
/** A part of a composite: a trigger without its own args or id (the composite's are used). */
export type TriggerPart = Trigger<[], Any>;

/**
 * Fires when every part has been satisfied since it last fired (each part by its own source, e.g. two
 * different tasks both succeeded); its context holds the latest context of each part.
 */
export function allOf<const T extends readonly TriggerPart[], const A extends readonly unknown[]>(
  triggers: T,
  options: WithArgs<A, CompositeContext<AllContexts<T>>>,
): Trigger<A, CompositeContext<AllContexts<T>>>;
export function allOf<const T extends readonly TriggerPart[]>(
  triggers: T,
  options?: Common,
): Trigger<[], CompositeContext<AllContexts<T>>>;
export function allOf(triggers: unknown, options?: object): Trigger<Any, Any> {
  return spec("allOf", { children: triggers }, options);
}

/** Fires once each time any part is satisfied; its context holds that part's context at its index. */
export function anyOf<const T extends readonly TriggerPart[], const A extends readonly unknown[]>(
  triggers: T,
  options: WithArgs<A, CompositeContext<AnyContexts<T>>>,
): Trigger<A, CompositeContext<AnyContexts<T>>>;
export function anyOf<const T extends readonly TriggerPart[]>(
  triggers: T,
  options?: Common,
): Trigger<[], CompositeContext<AnyContexts<T>>>;
export function anyOf(triggers: unknown, options?: object): Trigger<Any, Any> {
  return spec("anyOf", { children: triggers }, options);
}
