import type { InvocationStatus } from "../invocation/status.js";
import type { Awaitable } from "../util/awaitable.js";

/**
 * What a backend keeps for triggers: the parts of composite (`allOf`) triggers satisfied since the
 * trigger last fired, and the last cron tick each cron trigger fired. Each method is one atomic step
 * in the backend (a transaction, a Lua script), so many processes never fire one condition twice.
 */
export interface TriggerStore {
  /**
   * Record that part `part` (0-based, below `parts`) of the composite trigger `triggerId` is
   * satisfied by `context` (serialized text; a later context of the same part replaces the earlier
   * one). When all `parts` parts are satisfied with it, clear them all and return their contexts in
   * part order: the trigger fires, in this call only. Otherwise null.
   */
  satisfyPart(triggerId: string, part: number, parts: number, context: string): Awaitable<string[] | null>;
  /**
   * Fire cron tick `tick` (epoch ms) of `triggerId`: true, with `tick` stored as its last tick, only
   * when no tick or an earlier one is stored. Never true twice for one tick, across processes.
   */
  claimCronTick(triggerId: string, tick: number): Awaitable<boolean>;
  /** The last tick `claimCronTick` stored for `triggerId`, or null. */
  lastCronTick(triggerId: string): Awaitable<number | null>;
  /** Forget every trigger's parts and ticks of this app (`tynenc purge`). */
  purge(): Awaitable<void>;
}

/** One thing that fired a trigger, as stored in the triggered invocation's record. */
export type TriggerSource =
  | { readonly kind: "event"; readonly eventId: string; readonly name: string }
  | { readonly kind: "status"; readonly invocationId: string; readonly status: InvocationStatus }
  | { readonly kind: "cron"; readonly at: number };

/** Why an invocation exists, when a trigger made it: the trigger and what fired it (a composite: several). */
export interface TriggeredBy {
  readonly triggerId: string;
  readonly sources: readonly TriggerSource[];
}
