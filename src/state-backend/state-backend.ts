import type { InvocationRecord, Outcome } from "../invocation/invocation-record.js";

/**
 * Persists what an invocation is (task, arguments, parent) and how it ended. Statuses and history live
 * with the orchestrator store, which changes them atomically.
 */
export interface StateBackend {
  /** Store new invocations. Ids are fresh UUIDs; storing one twice is a bug in the caller. */
  saveInvocations(records: readonly InvocationRecord[]): Promise<void>;
  getInvocation(id: string): Promise<InvocationRecord | undefined>;
  /** The records of `ids` that exist, in the order given. */
  getInvocations(ids: readonly string[]): Promise<InvocationRecord[]>;
  /** Ids of the invocations created while `parentId` was executing, in registration order. */
  getChildren(parentId: string): Promise<string[]>;
  /** Record the outcome; written before the final status, so a final invocation always has one. */
  setOutcome(id: string, outcome: Outcome): Promise<void>;
  getOutcome(id: string): Promise<Outcome | undefined>;
  /** Wipe everything of this app. */
  purge(): Promise<void>;
}
