import type { Backend } from "../backends/backend.js";
import type { AppConfig } from "../config/index.js";
import { LargeValues } from "../data-store/index.js";
import { InvocationPurgedError } from "../errors/errors.js";
import type { Outcome } from "../invocation/invocation-record.js";
import type { Orchestrator } from "../orchestrator/orchestrator.js";
import { withSerialized } from "../serializer/args.js";
import {
  decodeArgs,
  decodeError,
  encodeArgs,
  encodeError,
  type EncodedArgs,
  type JsonSerializer,
} from "../serializer/index.js";
import type { Logger } from "../logging/index.js";
import type { AnyTask } from "../task/task.js";
import { isPromise, type Awaitable } from "../util/awaitable.js";

/** The parts of the app made on first use that payloads need. */
export interface PayloadHost {
  readonly backend: Backend;
  readonly orchestrator: Orchestrator;
  readonly logger: Logger;
}

/**
 * What crosses the backend as text: arguments and results encoded, the large ones moved to the data
 * store (largeValueThresholdBytes), outcomes decoded back into values and errors.
 */
export class Payloads {
  private largeValuesInstance: LargeValues | undefined;

  constructor(
    private readonly app: PayloadHost,
    private readonly conf: AppConfig,
    private readonly serializer: JsonSerializer,
  ) {}

  /** Large values of this app's backend (made on first use). */
  get largeValues(): LargeValues {
    return (this.largeValuesInstance ??= new LargeValues(this.app.backend.dataStore, {
      thresholdBytes: this.conf.largeValueThresholdBytes,
    }));
  }

  /** The arguments of a call, encoded and, above the threshold, externalized. */
  encodeArgs(task: AnyTask, args: unknown[]): EncodedArgs {
    return this.externalizeArgs(task, encodeArgs(args, this.serializer, task.id));
  }

  /** Arguments above largeValueThresholdBytes go to the data store once, by content hash. */
  private externalizeArgs(task: AnyTask, encoded: EncodedArgs): EncodedArgs {
    const threshold = this.conf.largeValueThresholdBytes;
    if (threshold === 0 || encoded.serialized.length * 3 <= threshold) return encoded; // at most 3 UTF-8 bytes per UTF-16 unit
    const inline = task.options.inlineArgs ? new Set(task.options.inlineArgs) : undefined;
    const result = this.largeValues.externalizeArgs(encoded.serialized, inline);
    return withSerialized(encoded, result.serialized, result.keys, result.saved);
  }

  /** A stored invocation's arguments, large values resolved. */
  argsOf(serializedArgs: string): Awaitable<unknown[]> {
    const text = this.largeValues.resolveArgs(serializedArgs);
    return isPromise(text)
      ? text.then((t) => decodeArgs(t, this.serializer))
      : decodeArgs(text, this.serializer);
  }

  /**
   * The stored outcome of a return value or a thrown error; a large one goes to the data store first
   * (a promise then, with an asynchronous store). A value that cannot be serialized becomes a failure.
   */
  outcomeOf(
    taskId: string,
    result: { ok: true; value: unknown } | { ok: false; error: unknown },
  ): Awaitable<Outcome> {
    if (result.ok) {
      let text: string;
      try {
        text = this.serializer.serialize(result.value, `result of task "${taskId}"`);
      } catch (error) {
        return this.outcomeOf(taskId, { ok: false, error });
      }
      return this.stored(true, text);
    }
    return this.stored(false, this.serializer.serialize(encodeError(result.error, this.serializer)));
  }

  private stored(ok: boolean, text: string): Awaitable<Outcome> {
    const threshold = this.conf.largeValueThresholdBytes;
    if (threshold === 0 || text.length * 3 <= threshold)
      return ok ? { ok, value: text } : { ok, error: text };
    const stored = this.largeValues.externalizeResult(text);
    return isPromise(stored) ? stored.then((s) => outcome(ok, s)) : outcome(ok, stored);
  }

  /**
   * Give back the large-value references of calls that were not registered after all (a bad entry of
   * `parallelize`, a reused invocation, a failed registration). A failure here only logs: at worst a
   * value stays in the data store.
   */
  releaseArgs(calls: Iterable<{ readonly largeValueKeys?: readonly string[] }>): void {
    const keys: string[] = [];
    for (const call of calls) if (call.largeValueKeys) keys.push(...call.largeValueKeys);
    if (keys.length === 0) return;
    const failed = (error: unknown) =>
      this.app.logger.warn("Could not release large values of unregistered calls", { error });
    try {
      const released = this.app.backend.dataStore.release(keys);
      if (isPromise(released)) released.then(undefined, failed);
    } catch (error) {
      failed(error);
    }
  }

  decodeOutcome(id: string): Awaitable<unknown> {
    const found = this.app.orchestrator.outcome(id);
    return isPromise(found) ? found.then(async (o) => this.decode(id, o)) : this.decode(id, found);
  }

  private decode(id: string, outcome: Outcome | undefined): Awaitable<unknown> {
    // An outcome is stored before the final status: a final invocation without one was purged between
    // the two reads.
    if (!outcome) throw InvocationPurgedError.of(id);
    const text = this.largeValues.resolveResult(outcome.ok ? outcome.value : outcome.error);
    const read = (resolved: string) => {
      if (outcome.ok) return this.serializer.deserialize(resolved);
      throw decodeError(this.serializer.deserialize(resolved) as never, this.serializer);
    };
    return isPromise(text) ? text.then(read) : read(text);
  }
}

function outcome(ok: boolean, { text, key }: { text: string; key?: string }): Outcome {
  const base = ok ? { ok: true as const, value: text } : { ok: false as const, error: text };
  return key === undefined ? base : { ...base, largeValueKey: key };
}
