import type { InvocationRecord, Outcome } from "../invocation/invocation-record.js";
import type { Awaitable } from "../util/awaitable.js";

/**
 * Persists what an invocation is (task, arguments, parent) and how it ended. Statuses and history live
 * with the orchestrator store, which changes them atomically.
 */
export interface StateBackend {
  /** Store new invocations. Ids are fresh UUIDs; storing one twice is a bug in the caller. */
  saveInvocations(records: readonly InvocationRecord[]): Awaitable<void>;
  getInvocation(id: string): Awaitable<InvocationRecord | undefined>;
  /** The records of `ids` that exist, in the order given. */
  getInvocations(ids: readonly string[]): Awaitable<InvocationRecord[]>;
  /** Ids of the invocations created while `parentId` was executing, in registration order. */
  getChildren(parentId: string): Awaitable<string[]>;
  /**
   * Record the outcome; written before the final status, so a final invocation always has one. With
   * `ifAbsent`, an outcome already stored is kept (one check-and-write step): a cancel from outside
   * never overwrites the outcome of an owner that finished the invocation first.
   */
  setOutcome(id: string, outcome: Outcome, ifAbsent?: boolean): Awaitable<void>;
  getOutcome(id: string): Awaitable<Outcome | undefined>;
  /**
   * Drop the records and outcomes of these invocations (retention). Returns the large-value keys they
   * held (`InvocationRecord.largeValueKeys`, `Outcome.largeValueKey`), one entry per reference, so
   * their data store references can be given back.
   */
  deleteInvocations(ids: readonly string[]): Awaitable<string[]>;
  /** Wipe everything of this app. */
  purge(): Awaitable<void>;
}
