import type { Backend } from "../backends/backend.js";
import { isFinal, type StatusRecord } from "../invocation/status.js";
import type { Logger } from "../logging/index.js";
import { isPromise, type Awaitable } from "../util/awaitable.js";
import type { FinalEvents } from "./final-events.js";
import type { Unsubscribe } from "./notifier.js";

/**
 * Calls `listener` once every id in `ids` is final. Subscribes before checking, so a status reached in
 * between is never missed (the check is the store's `watchStatuses` where it has one, which makes sure
 * the finals are told to this process); may call `listener` before returning. Returns a cancel function. With
 * `local`, an id finished in this process arrives from there too, whichever comes first.
 */
export function whenAllFinal(
  backend: Backend,
  logger: Logger,
  ids: readonly string[],
  listener: () => void,
  local?: FinalEvents,
): Unsubscribe {
  if (ids.length === 1) return whenFinal(backend, logger, ids[0]!, listener, local);
  let remaining = ids.length;
  let done = false;
  const arrived = new Set<string>();
  const arrive = (i: number) => {
    const id = ids[i]!;
    if (done || arrived.has(id)) return;
    arrived.add(id);
    // Found final by the check, its final event is past: drop the subscription, or it stays forever.
    unsubs[i]!();
    if (--remaining === 0) {
      done = true;
      listener();
    }
  };
  const unsubs = ids.map((id, i) => onFinal(backend, local, id, () => arrive(i)));
  const store = backend.orchestratorStore;
  checkWith(store.watchStatuses ? store.watchStatuses(ids) : store.getStatuses(ids), logger, (records) => {
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      if (r && isFinal(r.status)) arrive(i);
    }
  });
  return () => {
    done = true;
    for (const unsubscribe of unsubs) unsubscribe();
  };
}

/** Finals listened for ahead of the store step that tells which are open (see `watchFinals`). */
export interface FinalWatch {
  /**
   * Calls `listener` once every id of `open` (those of the watched ids the store step found unfinished)
   * is final, counting the finals heard since the watch began; may call it before returning. Stops
   * listening for the others. Returns a cancel function.
   */
  then(open: readonly string[], listener: () => void): Unsubscribe;
  /** Stops listening (the step paused nothing). */
  cancel(): void;
}

/**
 * Listens for the finals of `ids` from now on, ahead of a store step that answers, atomically, which of
 * them are unfinished (a one-call pause): a final reached after that step is heard, as the listening
 * began before it, so no status read has to close the gap that `whenAllFinal` checks for. A final
 * published while the notifier's subscription was not live yet is made up for by the notifier itself,
 * which looks the listened ids up once it is live.
 */
export function watchFinals(backend: Backend, ids: readonly string[], local?: FinalEvents): FinalWatch {
  const arrived = new Set<string>();
  const listening = new Map<string, Unsubscribe>();
  let waiting: { readonly left: Set<string>; readonly listener: () => void } | undefined;
  let done = false;
  const stop = () => {
    done = true;
    for (const unsubscribe of listening.values()) unsubscribe();
    listening.clear();
  };
  const arrive = (id: string) => {
    if (done || arrived.has(id)) return;
    arrived.add(id);
    listening.get(id)?.();
    listening.delete(id);
    if (waiting?.left.delete(id) && waiting.left.size === 0) {
      stop();
      waiting.listener();
    }
  };
  for (const id of ids)
    if (!listening.has(id))
      listening.set(
        id,
        onFinal(backend, local, id, () => arrive(id)),
      );
  return {
    then(open, listener) {
      if (done) return () => {};
      const wanted = new Set(open);
      for (const [id, unsubscribe] of listening) {
        if (wanted.has(id)) continue;
        unsubscribe();
        listening.delete(id);
      }
      const left = new Set(open.filter((id) => !arrived.has(id)));
      if (left.size === 0) {
        stop();
        listener();
        return () => {};
      }
      waiting = { left, listener };
      return stop;
    },
    cancel: stop,
  };
}

/** `whenAllFinal` of one id (most waits: one child, one awaited result), without the per-id arrays. */
function whenFinal(
  backend: Backend,
  logger: Logger,
  id: string,
  listener: () => void,
  local: FinalEvents | undefined,
): Unsubscribe {
  let done = false;
  const arrive = () => {
    if (done) return;
    done = true;
    unsubscribe(); // found final by the check, its final event is past: the subscription must go
    listener();
  };
  const unsubscribe = onFinal(backend, local, id, arrive);
  const store = backend.orchestratorStore;
  if (store.watchStatuses)
    checkWith(store.watchStatuses([id]), logger, ([record]) => {
      if (record && isFinal(record.status)) arrive();
    });
  else
    checkWith(store.getStatus(id), logger, (record: StatusRecord | undefined) => {
      if (record && isFinal(record.status)) arrive();
    });
  return () => {
    done = true;
    unsubscribe();
  };
}

/** "`id` is final" from the notifier and, when given, from this process's own channel. */
function onFinal(
  backend: Backend,
  local: FinalEvents | undefined,
  id: string,
  listener: () => void,
): Unsubscribe {
  const remote = backend.notifier.onFinal(id, listener);
  if (!local) return remote;
  const here = local.on(id, listener);
  return () => {
    remote();
    here();
  };
}

/** `check` the store's answer, now or when it comes; a failed read is logged (the events still arrive). */
function checkWith<T>(answer: Awaitable<T>, logger: Logger, check: (value: T) => void): void {
  if (isPromise(answer))
    answer.then(check, (error: unknown) => logger.error("Status check failed", { error }));
  else check(answer);
}
