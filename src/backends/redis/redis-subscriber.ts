import type { RedisContext } from "./context.js";
import type { RedisClient } from "./driver.js";

interface Channel {
  /** Somebody in this process listens on it. */
  wanted: boolean;
  /** The last command sent for it was SUBSCRIBE. */
  subscribed: boolean;
  /** Redis confirmed that SUBSCRIBE (and nothing was sent since): every message published reaches us. */
  live: boolean;
  /** Which SUBSCRIBE a confirmation answers (a later UNSUBSCRIBE or reconnect makes it stale). */
  generation: number;
  /** When its last listener went (a lingering channel), and the timer that ends the linger. */
  unwantedAt: number;
  linger: NodeJS.Timeout | undefined;
}

export interface SubscriberEvents {
  message(channel: string, message: string): void;
  /**
   * `channel` became live: from now on nothing published on it is missed. What was published before
   * (while subscribing, or while the connection was down, `resumed`) never reached this process.
   */
  live(channel: string, resumed: boolean): void;
}

export interface SubscriberOptions {
  /**
   * How long a channel stays subscribed after its last listener went (ms), by channel; 0 or absent: to
   * the end of the event-loop turn. A caller awaiting one result after another then pays no SUBSCRIBE,
   * UNSUBSCRIBE and catch-up read per result. The timer is unref'd: it never keeps a process alive.
   */
  readonly lingerMs?: ReadonlyMap<string, number>;
}

/**
 * Pub/sub on a connection of its own (`context.duplicate()`, made at the first subscription and closed
 * by `close()`). A channel is subscribed while somebody wants it; a channel nobody wants any more is
 * unsubscribed at the end of the event-loop turn (or of its linger), so a listener that goes and another
 * that comes in the same turn (a result awaited right after another) keep the subscription. Nothing here
 * polls: an idle subscription costs no traffic.
 */
export class RedisSubscriber {
  private connection: RedisClient | undefined;
  private readonly channels = new Map<string, Channel>();
  private sweep: NodeJS.Immediate | undefined;
  private closed = false;
  private readonly waiting: (() => void)[] = [];
  /** The connection went down since it was last ready: subscriptions are being restored. */
  private resuming = false;

  constructor(
    private readonly context: RedisContext,
    private readonly name: string,
    private readonly events: SubscriberEvents,
    private readonly options: SubscriberOptions = {},
  ) {}

  /** Whether every message published on `channel` from now on reaches this process. */
  isLive(channel: string): boolean {
    return this.channels.get(channel)?.live ?? false;
  }

  /** Settles once every channel wanted now is live (at once when none is waiting for Redis). */
  whenLive(): Promise<void> {
    if (this.allLive()) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  want(channel: string, wanted: boolean): void {
    if (this.closed) return;
    let state = this.channels.get(channel);
    if (!state) {
      if (!wanted) return;
      state = { wanted, subscribed: false, live: false, generation: 0, unwantedAt: 0, linger: undefined };
      this.channels.set(channel, state);
    }
    state.wanted = wanted;
    if (wanted && !state.subscribed) this.subscribe(channel, state, false);
    else if (!wanted && state.subscribed) {
      const linger = this.lingerOf(channel);
      if (linger <= 0) this.sweep ??= setImmediate(() => this.unsubscribeUnwanted());
      else {
        state.unwantedAt = Date.now();
        state.linger ??= unrefTimer(() => this.endLinger(channel, state, linger), linger);
      }
    }
  }

  /** The linger of an unwanted channel ran out: unsubscribe, unless wanted again or let go again since. */
  private endLinger(channel: string, state: Channel, linger: number): void {
    state.linger = undefined;
    if (this.closed || state.wanted || !state.subscribed || this.channels.get(channel) !== state) return;
    const left = state.unwantedAt + linger - Date.now();
    if (left > 0) state.linger = unrefTimer(() => this.endLinger(channel, state, linger), left);
    else {
      this.drop(channel, state);
      this.connection?.unsubscribe(channel).catch(() => {});
      this.settleWaiting();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearImmediate(this.sweep);
    this.sweep = undefined;
    for (const state of this.channels.values()) clearTimeout(state.linger);
    this.channels.clear();
    this.settleWaiting();
    const connection = this.connection;
    this.connection = undefined;
    connection?.disconnect();
  }

  private connect(): RedisClient {
    if (this.connection) return this.connection;
    const connection = this.context.duplicate();
    // The name shows in CLIENT LIST (ioredis sends it on every connect).
    connection.options.connectionName = this.name.replace(/\s/g, "_");
    // restore() subscribes again after a reconnect. ioredis's own resubscribe is off: its SUBSCRIBE has no
    // handler, so a close before Redis answers it (the app closing just after an outage) was an
    // unhandled rejection, which ends a Node process.
    connection.options.autoResubscribe = false;
    connection.on("error", () => {}); // it reconnects on its own; the command connection reports failures
    connection.on("message", (channel: string, message: string) => this.deliver(channel, message));
    connection.on("close", () => this.down());
    connection.on("ready", () => this.restore());
    this.connection = connection;
    return connection;
  }

  /** A listener's error surfaces as uncaught, but never inside ioredis's reply parser. */
  private deliver(channel: string, message: string): void {
    try {
      this.events.message(channel, message);
    } catch (error) {
      process.nextTick(() => {
        throw error;
      });
    }
  }

  private subscribe(channel: string, state: Channel, resumed: boolean): void {
    const generation = ++state.generation;
    state.subscribed = true;
    state.live = false;
    this.connect()
      .subscribe(channel)
      .then(
        () => {
          if (this.closed || state.generation !== generation || !state.subscribed) return;
          state.live = true;
          this.events.live(channel, resumed);
          this.settleWaiting();
        },
        () => {}, // the connection went down: restore() subscribes again once it is back
      );
  }

  /** Unsubscribes the channels nobody wants (a lingering one goes when its linger ends). */
  private unsubscribeUnwanted(): void {
    this.sweep = undefined;
    const gone: string[] = [];
    for (const [channel, state] of this.channels) {
      if (state.wanted || !state.subscribed || this.lingerOf(channel) > 0) continue;
      this.drop(channel, state);
      gone.push(channel);
    }
    if (gone.length > 0) this.connection?.unsubscribe(...gone).catch(() => {});
    this.settleWaiting();
  }

  private lingerOf(channel: string): number {
    return this.options.lingerMs?.get(channel) ?? 0;
  }

  private drop(channel: string, state: Channel): void {
    state.subscribed = false;
    state.live = false;
    state.generation++;
    this.channels.delete(channel);
  }

  private allLive(): boolean {
    for (const state of this.channels.values()) if (state.wanted && !state.live) return false;
    return true;
  }

  private settleWaiting(): void {
    if (this.waiting.length > 0 && (this.closed || this.allLive()))
      for (const done of this.waiting.splice(0)) done();
  }

  /** The connection dropped: nothing published from now until it is back reaches us. */
  private down(): void {
    if (this.closed) return;
    this.resuming = true;
    for (const state of this.channels.values()) state.live = false;
  }

  /**
   * Connected again: subscribe once more to what is wanted (ioredis's own resubscribe is off, see
   * connect()), and report each channel live when Redis confirms, as resumed.
   */
  private restore(): void {
    if (!this.resuming || this.closed) return;
    this.resuming = false;
    for (const [channel, state] of this.channels) {
      if (state.subscribed) this.subscribe(channel, state, true);
    }
  }
}

function unrefTimer(callback: () => void, ms: number): NodeJS.Timeout {
  const timer = setTimeout(callback, ms);
  timer.unref();
  return timer;
}
