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
}

export interface SubscriberEvents {
  message(channel: string, message: string): void;
  /**
   * `channel` became live: from now on nothing published on it is missed. What was published before
   * (while subscribing, or while the connection was down, `resumed`) never reached this process.
   */
  live(channel: string, resumed: boolean): void;
}

/**
 * Pub/sub on a connection of its own (`context.duplicate()`, made at the first subscription and closed
 * by `close()`). A channel is subscribed while somebody wants it; a channel nobody wants any more is
 * unsubscribed at the end of the event-loop turn, so a listener that goes and another that comes in the
 * same turn (a result awaited right after another) keep the subscription. Nothing here polls: an idle
 * subscription costs no timer and no traffic.
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
      state = { wanted, subscribed: false, live: false, generation: 0 };
      this.channels.set(channel, state);
    }
    state.wanted = wanted;
    if (wanted && !state.subscribed) this.subscribe(channel, state, false);
    else if (!wanted && state.subscribed) this.sweep ??= setImmediate(() => this.unsubscribeUnwanted());
  }

  async close(): Promise<void> {
    this.closed = true;
    clearImmediate(this.sweep);
    this.sweep = undefined;
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

  private unsubscribeUnwanted(): void {
    this.sweep = undefined;
    const gone: string[] = [];
    for (const [channel, state] of this.channels) {
      if (state.wanted || !state.subscribed) continue;
      state.subscribed = false;
      state.live = false;
      state.generation++;
      this.channels.delete(channel);
      gone.push(channel);
    }
    if (gone.length > 0) this.connection?.unsubscribe(...gone).catch(() => {});
    this.settleWaiting();
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
   * Connected again: subscribe once more to what is wanted (ioredis resubscribes too; a second SUBSCRIBE
   * is harmless), and report each channel live when Redis confirms, as resumed.
   */
  private restore(): void {
    if (!this.resuming || this.closed) return;
    this.resuming = false;
    for (const [channel, state] of this.channels) {
      if (state.subscribed) this.subscribe(channel, state, true);
    }
  }
}
