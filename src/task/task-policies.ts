import type { AppConfig } from "../config/index.js";
import { concurrencyPolicy, type ConcurrencyPolicy } from "../concurrency/concurrency-policy.js";
import {
  decideRetry,
  retryOptionsFrom,
  validateRetryOptions,
  type RetryDecision,
  type RetryOptions,
} from "../retry/index.js";
import type { TaskOptions } from "./task.js";

/** Task options that are not settings (functions, classes, lists): never read from files or env. */
const CODE_ONLY_OPTIONS = ["name", "retryFor", "inlineArgs", "concurrencyKey", "triggers"] as const;

/** The settings of each task that the engine applies: retry options, timeout, concurrency policy. */
export class TaskPolicies {
  private readonly retryOptions = new Map<string, RetryOptions>();
  private readonly timeouts = new Map<string, number>();
  private readonly policies = new Map<string, ConcurrencyPolicy>();

  constructor(private readonly conf: AppConfig) {}

  /** Resolve and validate the settings of task `id` now, so a bad one fails at app.task(), not at a call. */
  define(id: string, options: TaskOptions): void {
    const conf = this.conf.taskConfig(id, without(options, ...CODE_ONLY_OPTIONS));
    const retry = retryOptionsFrom(conf, options.retryFor);
    validateRetryOptions(id, retry, { maxRetriesSource: conf.sourceOf("maxRetries").source });
    this.retryOptions.set(id, retry);
    this.timeouts.set(id, conf.timeoutMs);
    this.policies.set(id, concurrencyPolicy(id, conf, options.concurrencyKey));
    this.conf.addTask(conf); // listed by `tynenc config show`; its id counts as known
  }

  /** The concurrency policy of a defined task. */
  concurrency(taskId: string): ConcurrencyPolicy {
    return this.policies.get(taskId)!;
  }

  /** Does this task's running concurrency re-queue held-back invocations (else drop them)? */
  reroutesOnConcurrency(taskId: string): boolean {
    return this.policies.get(taskId)?.reroute ?? true;
  }

  timeoutMs(taskId: string): number {
    return this.timeouts.get(taskId) ?? 0;
  }

  retryDecision(taskId: string, error: unknown, failedAttempts: number): RetryDecision {
    const options = this.retryOptions.get(taskId);
    if (!options) return { retry: false, delayMs: 0, reason: `task "${taskId}" has no retry options` };
    return decideRetry(error, failedAttempts, options);
  }
}

function without(options: TaskOptions, ...keys: readonly string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...options };
  for (const key of keys) delete copy[key];
  return copy;
}
