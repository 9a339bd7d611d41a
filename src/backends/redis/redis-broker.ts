import type { Broker } from "../../broker/broker.js";
import { key, type RedisContext } from "./context.js";
import { runScript } from "./scripts.js";

/** The longest a timer may be set for (setTimeout's limit). */
const MAX_DELAY_MS = 2 ** 31 - 1;
/** How soon to try again when moving due ids failed (Redis unreachable). */
const RETRY_MS = 1000;

/**
 * The queue as a Redis list (`<prefix>queue`, oldest at the head); ids routed with a later due time wait
 * in a sorted set (`<prefix>delayed`) and are moved to the list's tail once due, in one script with the
 * pop (`broker-retrieve-2.lua`), so every move is atomic and no id is moved twice. A process keeps one
 * timer, for the earliest due time it knows of (its own `routeAt`s, and the earliest one a retrieve
 * reports), and none while nothing is held back; when it fires, the process moves what is due and wakes
 * the runners (`onDue`) if it moved anything. Other processes learn of new work through the notifier.
 *
 * Round trips: `route`, `routeAt`, `retrieve`, `count` and `purge` are one each.
 */
/** The broker's queue (a list) and delayed set (a zset) of an app: a script that pops the queue names them. */
export function queueKeys(context: RedisContext): readonly [queue: string, delayed: string] {
  return [key(context, "queue"), key(context, "delayed")];
}

export class RedisBroker implements Broker {
  private readonly queue: string;
  private readonly delayed: string;
  private readonly delayedSeq: string;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private disposed = false;

  /** @param onDue called after this process moved due ids to the queue (the bundle wakes runners with it). */
  constructor(
    private readonly context: RedisContext,
    private readonly onDue: () => void = () => {},
  ) {
    [this.queue, this.delayed] = queueKeys(context);
    this.delayedSeq = key(context, "delayed-seq");
  }

  async route(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.context.client.rpush(this.queue, ...ids);
  }

  async routeAt(ids: readonly string[], dueAt: number): Promise<void> {
    if (dueAt <= Date.now()) return this.route(ids);
    if (ids.length === 0) return;
    await runScript(
      this.context.client,
      "broker-route-at-2",
      [this.delayed, this.delayedSeq],
      [dueAt, ...ids],
    );
    this.wakeAt(dueAt);
  }

  async unroute(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const pipeline = this.context.client.pipeline();
    for (const id of ids) pipeline.lrem(this.queue, 0, id);
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }

  async retrieve(max: number): Promise<string[]> {
    if (max <= 0) return [];
    const [ids, moved] = await this.take(max);
    this.popped(ids.length, moved, "");
    return ids;
  }

  /**
   * A pop from the queue was made (here, or by another script that pops it the way retrieve does, see
   * redis-claim.ts): `moved` due ids joined the queue, `next` is the earliest due time still held back.
   */
  popped(count: number, moved: number, next: string): void {
    if (next !== "") this.wakeAt(Number(next));
    // Due ids moved beyond what this call popped wait for runners elsewhere too.
    if (moved > count) this.onDue();
  }

  /** The queue's and the delayed set's keys, for a script that pops the queue with other work. */
  get keys(): readonly [queue: string, delayed: string] {
    return [this.queue, this.delayed];
  }

  async count(): Promise<number> {
    return this.context.client.llen(this.queue);
  }

  async purge(): Promise<void> {
    await this.context.client.del(this.queue, this.delayed, this.delayedSeq, `${this.delayed}-moved`);
    this.clearTimer();
  }

  /** Drop the timer for good (the backend is closing): nothing of this broker keeps the process alive. */
  dispose(): void {
    this.disposed = true;
    this.clearTimer();
  }

  /** Move what is due, pop up to `max`, and set the timer for the earliest due time left. */
  private async take(max: number): Promise<[ids: string[], moved: number]> {
    const [ids, next, moved] = (await runScript(
      this.context.client,
      "broker-retrieve-2",
      [this.queue, this.delayed],
      [max, Date.now()],
    )) as [string[], string, number];
    if (next !== "") this.wakeAt(Number(next));
    return [ids, moved];
  }

  /** One timer, for the earliest due time this process knows of. */
  private wakeAt(dueAt: number): void {
    if (dueAt >= this.timerAt || this.disposed) return;
    clearTimeout(this.timer);
    this.timerAt = dueAt;
    // +1: a timer may fire in the millisecond before its due time.
    const delay = Math.min(Math.max(dueAt - Date.now(), 0) + 1, MAX_DELAY_MS);
    this.timer = setTimeout(() => void this.fire(), delay);
    // Held-back ids are safe in Redis (another process's retrieve moves them): no reason to stay alive.
    this.timer.unref();
  }

  private async fire(): Promise<void> {
    this.timer = undefined;
    this.timerAt = Infinity;
    try {
      const [, moved] = await this.take(0);
      if (moved > 0 && !this.disposed) this.onDue();
    } catch {
      this.wakeAt(Date.now() + RETRY_MS); // the ids are still held back: try again
    }
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }
}
