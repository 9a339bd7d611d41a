import type { TriggeredBy } from "../triggers/trigger-store.js";

/** What the backend stores about one invocation, apart from its status. */
export interface InvocationRecord {
  readonly id: string;
  readonly taskId: string;
  /** SHA-256 of the canonical serialized arguments ("no_args" when there are none). */
  readonly argsId: string;
  /** The serializer's text of the positional argument array. */
  readonly serializedArgs: string;
  /** The invocation whose execution created this one, if any. */
  readonly parentId: string | null;
  /** Epoch ms of registration. */
  readonly createdAt: number;
  /** Running concurrency scope, if its task has running concurrency (see concurrency-policy.ts). */
  readonly runningKey?: string;
  /**
   * Data store keys of the large values its arguments refer to, each once (absent when none): the
   * references retention gives back when it forgets the invocation.
   */
  readonly largeValueKeys?: readonly string[];
  /**
   * Epoch ms before which no runner claims it: set by a delayed call (`task.with({ delayMs | runAt })`),
   * absent for a call that runs as soon as a slot is free. Stored, so a restart keeps it.
   */
  readonly dueAt?: number;
  /**
   * Set when a trigger made it: the trigger's id and what fired it (an event, an invocation's status,
   * a cron tick). Stored, and shown by `app.getInvocation(id)`.
   */
  readonly triggeredBy?: TriggeredBy;
}

/** `callId = taskId + ":" + argsId`: invocations of the same call share it. */
export function callIdOf(record: Pick<InvocationRecord, "taskId" | "argsId">): string {
  return `${record.taskId}:${record.argsId}`;
}

/**
 * How an invocation ended: the serialized result or the serialized error payload; `largeValueKey` is
 * the data store key when that text was stored as a large value (the reference retention gives back).
 */
export type Outcome =
  | { readonly ok: true; readonly value: string; readonly largeValueKey?: string }
  | { readonly ok: false; readonly error: string; readonly largeValueKey?: string };

/** A record made by a call in this process: the args id is hashed only if something reads it. */
export class NewInvocationRecord implements InvocationRecord {
  constructor(
    readonly id: string,
    readonly taskId: string,
    private readonly args: {
      readonly serialized: string;
      readonly argsId: string;
      readonly largeValueKeys?: readonly string[];
      readonly largeValuesSaved?: Promise<void>;
    },
    readonly parentId: string | null,
    readonly createdAt: number,
    readonly runningKey?: string,
    readonly dueAt?: number,
  ) {}

  get argsId(): string {
    return this.args.argsId;
  }

  get serializedArgs(): string {
    return this.args.serialized;
  }

  get largeValueKeys(): readonly string[] | undefined {
    return this.args.largeValueKeys;
  }

  /** Settles once its large values are stored (asynchronous data store): register only after. */
  get largeValuesSaved(): Promise<void> | undefined {
    return this.args.largeValuesSaved;
  }
}

/** A record made by a trigger: `triggeredBy` lives only on these, so other records stay one field smaller. */
export class TriggeredInvocationRecord extends NewInvocationRecord {
  constructor(
    base: NewInvocationRecord,
    args: ConstructorParameters<typeof NewInvocationRecord>[2],
    readonly triggeredBy: TriggeredBy,
  ) {
    super(base.id, base.taskId, args, base.parentId, base.createdAt, base.runningKey, base.dueAt);
  }
}
