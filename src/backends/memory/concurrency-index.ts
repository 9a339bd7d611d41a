import { InvocationStatus, isFinal } from "../../invocation/status.js";
import type { NewStatus } from "../../orchestrator/orchestrator-store.js";

const S = InvocationStatus;

/** Statuses in which an invocation holds its running-concurrency key: claimed or running. */
const HOLDS_RUNNING_KEY: ReadonlySet<InvocationStatus> = new Set([S.PENDING, S.RUNNING]);

interface Keys {
  readonly registrationKey?: string;
  readonly runningKey?: string;
  readonly cacheKey?: string;
}

/**
 * The memory store's indexes for concurrency control: unfinished invocations by registration key,
 * holders and parked (CONCURRENCY_CONTROLLED) invocations by running key, and the latest success by
 * call (the result cache). Kept up to date from every status change.
 */
export class ConcurrencyIndex {
  private readonly keys = new Map<string, Keys>();
  private readonly registered = new Map<string, string>();
  private readonly holders = new Map<string, Set<string>>();
  private readonly parkedIds = new Map<string, Set<string>>();
  private readonly cache = new Map<string, string>();

  /** The unfinished invocation already holding `item`'s registration key, if any. */
  duplicateOf(item: NewStatus): string | undefined {
    return item.registrationKey === undefined ? undefined : this.registered.get(item.registrationKey);
  }

  add(item: NewStatus): void {
    if (item.registrationKey === undefined && item.runningKey === undefined && item.cacheKey === undefined)
      return;
    this.keys.set(item.id, item);
    if (item.registrationKey !== undefined) this.registered.set(item.registrationKey, item.id);
  }

  /** May `id` be claimed now, as far as running concurrency goes? */
  canRun(id: string): boolean {
    const key = this.keys.get(id)?.runningKey;
    return key === undefined || !this.holders.get(key)?.size;
  }

  changed(id: string, to: InvocationStatus): void {
    const keys = this.keys.get(id);
    if (!keys) return;
    if (keys.runningKey !== undefined) {
      toggle(this.holders, keys.runningKey, id, HOLDS_RUNNING_KEY.has(to));
      toggle(this.parkedIds, keys.runningKey, id, to === S.CONCURRENCY_CONTROLLED);
    }
    if (!isFinal(to)) return;
    if (keys.registrationKey !== undefined && this.registered.get(keys.registrationKey) === id) {
      this.registered.delete(keys.registrationKey);
    }
    if (to === S.SUCCESS && keys.cacheKey !== undefined) this.cache.set(keys.cacheKey, id);
    this.keys.delete(id);
  }

  holdersOf(runningKey: string): string[] {
    return [...(this.holders.get(runningKey) ?? [])];
  }

  parked(runningKey: string): string[] {
    return [...(this.parkedIds.get(runningKey) ?? [])];
  }

  cachedResult(cacheKey: string): string | undefined {
    return this.cache.get(cacheKey);
  }

  /** Drop cache entries pointing at purged invocations. */
  forgetAll(ids: ReadonlySet<string>): void {
    for (const [key, id] of this.cache) if (ids.has(id)) this.cache.delete(key);
  }

  clear(): void {
    for (const map of [this.keys, this.registered, this.holders, this.parkedIds, this.cache]) map.clear();
  }
}

function toggle(index: Map<string, Set<string>>, key: string, id: string, present: boolean): void {
  let set = index.get(key);
  if (present) {
    if (!set) index.set(key, (set = new Set()));
    set.add(id);
  } else if (set) {
    set.delete(id);
    if (set.size === 0) index.delete(key);
  }
}
