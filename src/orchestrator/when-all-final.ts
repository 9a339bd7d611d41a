import type { Backend } from "../backends/backend.js";
import { isFinal, type StatusRecord } from "../invocation/status.js";
import type { Logger } from "../logging/index.js";
import { isPromise } from "../util/awaitable.js";
import type { FinalEvents } from "./final-events.js";
import type { Unsubscribe } from "./notifier.js";

/**
 * Calls `listener` once every id in `ids` is final. Subscribes before checking, so a status reached in
 * between is never missed; may call `listener` before returning. Returns a cancel function. With
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
  const arrived = ids.length > 1 ? new Set<string>() : undefined;
  const arrive = (i: number) => {
    const id = ids[i]!;
    if (done || arrived?.has(id)) return;
    arrived?.add(id);
    // Found final by the check, its final event is past: drop the subscription, or it stays forever.
    unsubs[i]!();
    if (--remaining === 0) {
      done = true;
      listener();
    }
  };
  const unsubs = ids.map((id, i) => {
    const remote = backend.notifier.onFinal(id, () => arrive(i));
    if (!local) return remote;
    const here = local.on(id, () => arrive(i));
    return () => {
      remote();
      here();
    };
  });
  const check = (records: (StatusRecord | undefined)[]) => {
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      if (r && isFinal(r.status)) arrive(i);
    }
  };
  const records = backend.orchestratorStore.getStatuses(ids);
  if (isPromise(records))
    records.then(check, (error: unknown) => logger.error("Status check failed", { error }));
  else check(records);
  return () => {
    done = true;
    for (const unsubscribe of unsubs) unsubscribe();
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
  const remote = backend.notifier.onFinal(id, arrive);
  const here = local?.on(id, arrive);
  const unsubscribe = () => {
    remote();
    here?.();
  };
  const check = (record: StatusRecord | undefined) => {
    if (record && isFinal(record.status)) arrive();
  };
  const record = backend.orchestratorStore.getStatus(id);
  if (isPromise(record))
    record.then(check, (error: unknown) => logger.error("Status check failed", { error }));
  else check(record);
  return () => {
    done = true;
    unsubscribe();
  };
}
