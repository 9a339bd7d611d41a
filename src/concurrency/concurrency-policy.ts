import type { TaskConfigValues } from "../config/index.js";
import { ConfigError } from "../errors/errors.js";
import { encodeArgs, type EncodedArgs, type Serializer } from "../serializer/index.js";

export type ConcurrencyMode = TaskConfigValues["runningConcurrency"];

/** A task's concurrency controls, resolved once at `app.task`. */
export interface ConcurrencyPolicy {
  readonly registration: ConcurrencyMode;
  readonly running: ConcurrencyMode;
  readonly reroute: boolean;
  readonly raiseOnDifferentArgs: boolean;
  readonly callResultCache: boolean;
  readonly key: ((...args: any[]) => unknown) | undefined;
}

export interface ConcurrencyKeys {
  readonly registrationKey?: string;
  readonly runningKey?: string;
  readonly cacheKey?: string;
}

export function concurrencyPolicy(
  taskId: string,
  conf: Pick<
    TaskConfigValues,
    | "registrationConcurrency"
    | "runningConcurrency"
    | "rerouteOnConcurrencyControl"
    | "raiseOnDifferentArgs"
    | "callResultCache"
  >,
  key: unknown,
): ConcurrencyPolicy {
  const policy: ConcurrencyPolicy = {
    registration: conf.registrationConcurrency,
    running: conf.runningConcurrency,
    reroute: conf.rerouteOnConcurrencyControl,
    raiseOnDifferentArgs: conf.raiseOnDifferentArgs,
    callResultCache: conf.callResultCache,
    key: key as ConcurrencyPolicy["key"],
  };
  validate(taskId, policy, key);
  return policy;
}

function validate(taskId: string, policy: ConcurrencyPolicy, key: unknown): void {
  const usesKeys = policy.registration === "keys" || policy.running === "keys";
  if (key !== undefined && typeof key !== "function") {
    throw new ConfigError(
      `concurrencyKey of task "${taskId}" must be a function of the task's arguments returning the key, got ${typeof key}`,
    );
  }
  if (usesKeys && key === undefined) {
    const option = policy.registration === "keys" ? "registrationConcurrency" : "runningConcurrency";
    throw new ConfigError(
      `${option} "keys" of task "${taskId}" needs a concurrencyKey option: a function of the task's arguments, e.g. concurrencyKey: (userId) => userId`,
    );
  }
  if (!usesKeys && key !== undefined) {
    throw new ConfigError(
      `concurrencyKey of task "${taskId}" is only used with registrationConcurrency or runningConcurrency "keys"; set one of them to "keys" or drop concurrencyKey`,
    );
  }
}

/** Registration needs an answer at the call (which invocation the call returns). */
export function decidesAtCall(policy: ConcurrencyPolicy): boolean {
  return policy.registration !== "disabled" || policy.callResultCache;
}

/** The scope keys of one call: equal keys mean "the same" for that control. */
export function keysOf(
  policy: ConcurrencyPolicy,
  taskId: string,
  args: readonly unknown[],
  encoded: EncodedArgs,
  serializer: Serializer,
): ConcurrencyKeys {
  let keyId: string | undefined;
  const scope = (mode: ConcurrencyMode): string | undefined => {
    if (mode === "disabled") return undefined;
    if (mode === "task") return taskId;
    if (mode === "arguments") return `${taskId}:${encoded.argsId}`;
    keyId ??= encodeArgs([policy.key!(...args)], serializer, `${taskId} (concurrencyKey)`).argsId;
    return `${taskId}#${keyId}`;
  };
  return {
    registrationKey: scope(policy.registration),
    runningKey: scope(policy.running),
    cacheKey: policy.callResultCache ? `${taskId}:${encoded.argsId}` : undefined,
  };
}

/** A readable difference between two argument lists, position by position. */
export function argsDiff(
  before: readonly unknown[],
  after: readonly unknown[],
  serializer: Serializer,
): string {
  const lines: string[] = [];
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    const a = i < before.length ? serializer.serialize(before[i]) : "(none)";
    const b = i < after.length ? serializer.serialize(after[i]) : "(none)";
    if (a !== b) lines.push(`  argument ${i + 1}: ${a} (running) vs ${b} (this call)`);
  }
  return lines.join("\n");
}
