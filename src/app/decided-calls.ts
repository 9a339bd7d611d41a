import { argsDiff, type ConcurrencyKeys } from "../concurrency/concurrency-policy.js";
import { ConcurrencyControlledError } from "../errors/errors.js";
import type { AppInvocationClient } from "../invocation/app-invocation-client.js";
import { Invocation, type CallAnswer } from "../invocation/invocation.js";
import type { InvocationRecord } from "../invocation/invocation-record.js";
import { encodeArgs, type EncodedArgs, type JsonSerializer } from "../serializer/index.js";
import type { AnyTask } from "../task/task.js";
import { isPromise, type Awaitable } from "../util/awaitable.js";
import { flow, type Flow } from "../util/flow.js";
import type { Payloads } from "./payloads.js";
import type { CallHost } from "./task-calls.js";

/** One call whose invocation the backend decides. */
export interface DecidedCall {
  readonly task: AnyTask;
  readonly args: unknown[];
  readonly encoded: EncodedArgs;
  /** The new invocation the call registers if the backend has none to reuse. */
  readonly record: InvocationRecord;
  readonly keys: ConcurrencyKeys;
  readonly raiseOnDifferentArgs: boolean;
  readonly parent: Invocation<unknown> | null;
  readonly runnerId: string | null;
}

/** What a reused invocation's arguments are compared by. */
type StoredArgs = Pick<InvocationRecord, "serializedArgs" | "argsId">;

/**
 * Calls of tasks whose concurrency policy decides at the call which invocation they get (registration
 * concurrency, call result cache): the backend answers with a new invocation, an unfinished one of the
 * same scope, or the latest success of the same call. A store that answers at once (memory, SQLite)
 * gives the handle its invocation at once; otherwise the handle learns it with the answer
 * (`Invocation.answeredLater`). A refused call (raiseOnDifferentArgs) registers nothing: only a call
 * that reuses an invocation can be refused, and its handle rejects.
 */
export class DecidedCalls {
  /** New invocations of this process whose registration is on its way, by id, with their arguments. */
  private readonly registering = new Map<string, StoredArgs>();

  constructor(
    private readonly app: CallHost,
    private readonly client: AppInvocationClient,
    private readonly payloads: Payloads,
  ) {}

  call(call: DecidedCall): Invocation<unknown> {
    const { task, args, parent } = call;
    let answer: Awaitable<CallAnswer>;
    try {
      answer = flow(this.decide(call));
    } catch (error) {
      const refusal = error instanceof Error ? error : new Error(String(error));
      return Invocation.refused(task, args, parent, this.client, refusal);
    }
    if (!isPromise(answer)) {
      return new Invocation(answer.id, task, answer.args, parent, this.client, answer.reused, args);
    }
    this.app.registrar.track(answer); // app.close() and registrar.settled() wait for it
    return Invocation.answeredLater(task, args, parent, this.client, answer);
  }

  private *decide(call: DecidedCall): Flow<CallAnswer> {
    const { task, args, encoded, record } = call;
    let answer: { id: string; reused: boolean };
    try {
      if (encoded.largeValuesSaved) yield encoded.largeValuesSaved; // stored values first, then what refers to them
      const registering = this.app.orchestrator.registerNow(record, call.keys, call.runnerId);
      if (isPromise(registering)) {
        // Stored in two steps: a call reusing it meanwhile finds its arguments here.
        this.registering.set(record.id, { serializedArgs: encoded.serialized, argsId: encoded.argsId });
        try {
          answer = (yield registering) as typeof answer;
        } finally {
          this.registering.delete(record.id);
        }
      } else {
        answer = registering;
      }
    } catch (error) {
      this.payloads.releaseArgs([encoded]);
      this.app.logger.error(`Could not register a call of ${task.id}; it will not run`, { error });
      throw error;
    }
    if (!answer.reused) return { id: answer.id, reused: false, args };
    this.payloads.releaseArgs([encoded]); // this call's own copy is not kept
    const own = yield* this.reusedArgs(call, answer.id);
    return { id: answer.id, reused: true, args: own };
  }

  /**
   * The arguments of the invocation a call reuses: a "task" or "keys" scope may have registered it with
   * other arguments than this call's (raiseOnDifferentArgs makes that a refusal). Read only on this
   * path, and decoded only when the stored text differs from the call's.
   */
  private *reusedArgs(call: DecidedCall, id: string): Flow<readonly unknown[]> {
    const { task, args, encoded } = call;
    const stored = (yield this.app.backend.stateBackend.getInvocation(id)) as StoredArgs | undefined;
    const existing = stored ?? this.registering.get(id);
    let own: readonly unknown[] = args;
    let differing: number[] = [];
    if (existing && existing.serializedArgs !== encoded.serialized) {
      own = (yield this.payloads.argsOf(existing.serializedArgs)) as unknown[];
      // The same arguments may differ in text (object key order): the args id is the call's identity.
      if (existing.argsId !== encoded.argsId) {
        if (call.raiseOnDifferentArgs) throw this.refusal(task, id, own, args);
        differing = differingPositions(own, args, this.app.serializer, task.id);
      }
    }
    if (this.app.logger.isEnabled("debug")) this.logReuse(task, id, differing);
    return own;
  }

  private refusal(
    task: AnyTask,
    id: string,
    own: readonly unknown[],
    args: readonly unknown[],
  ): ConcurrencyControlledError {
    const error = new ConcurrencyControlledError(
      `Task "${task.id}" already has an unfinished invocation ${id} of the same registrationConcurrency scope, called with other arguments (raiseOnDifferentArgs):\n${argsDiff(own, args, this.app.serializer)}`,
    );
    if (this.app.logger.isEnabled("debug"))
      this.app.logger.debug(`Call of ${task.id} refused: nothing registered`, { task: task.id, error });
    return error;
  }

  private logReuse(task: AnyTask, id: string, differing: number[]): void {
    const note =
      differing.length === 0
        ? ""
        : `; this call's arguments differ at position(s) ${differing.join(", ")} (0-based), so the handle's args are the invocation's and its callArgs this call's`;
    this.app.logger.debug(`Call of ${task.id} reuses invocation ${id}${note}`, {
      task: task.id,
      invocation: id,
      differingArgs: differing.length === 0 ? undefined : differing,
    });
  }
}

/** The 0-based positions whose arguments are not the same (compared as args ids: key order aside). */
function differingPositions(
  before: readonly unknown[],
  after: readonly unknown[],
  serializer: JsonSerializer,
  taskId: string,
): number[] {
  const positions: number[] = [];
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    const a = encodeArgs([before[i]], serializer, taskId).argsId;
    if (a !== encodeArgs([after[i]], serializer, taskId).argsId) positions.push(i);
  }
  return positions;
}
