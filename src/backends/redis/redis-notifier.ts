import { randomUUID } from "node:crypto";
import { isFinal } from "../../invocation/status.js";
import type { Notifier, Unsubscribe } from "../../orchestrator/notifier.js";
import type { OrchestratorStore } from "../../orchestrator/orchestrator-store.js";
import { key, type RedisContext } from "./context.js";
import type { CarriedOutcome, FinalOutcomes } from "./final-outcomes.js";
import { RedisSubscriber } from "./redis-subscriber.js";

/**
 * How long this process stays subscribed to finals after its last awaited result came (ms): a caller
 * awaiting one result after another pays no SUBSCRIBE, UNSUBSCRIBE and catch-up read for each.
 */
export const FINAL_LINGER_MS = 1000;
/** The most finals a script published that wait for their publishFinal (the oldest goes first). */
const MAX_PUBLISHED_BY_SCRIPT = 10_000;

export interface RedisNotifierOptions {
  /**
   * Where to read whether an invocation is final. A final published while the subscription to finals
   * was not yet in place (the first listener's SUBSCRIBE on its way, or the connection down) never
   * reaches this process; once the subscription is live, the ids with listeners are looked up here and
   * those already final are delivered. Without it such a final is missed.
   */
  readonly statuses?: Pick<OrchestratorStore, "getStatuses">;
  /**
   * Small outcomes the state backend stored here: a final message carries them (as its last element,
   * `{ o: { id: [ok, text] } }`, which a process that knows nothing of it ignores), and those it wakes
   * read them from there instead of from Redis.
   */
  readonly outcomes?: FinalOutcomes;
}

/**
 * Wake-ups through Redis pub/sub, never polled. In this process a listener runs synchronously inside
 * publish (as on memory: `inProcess`), so a waiter here is woken before the message makes its round
 * trip. The message goes to every other process on a channel per kind (`<prefix>work`, `<prefix>final`,
 * `<prefix>cancel`); publishes of one event-loop turn go out as one PUBLISH per kind (the ids of a
 * batch in one message), all in one write. A message carries its sender, so a process ignores its own
 * echo. A final or work message a store script published already (the finish, the registration: see
 * redis-finish.ts, redis-register.ts) only wakes the listeners here. Subscriptions live on a connection
 * of their own and only while the kind has listeners here (finals: until FINAL_LINGER_MS after the last
 * one went).
 */
export class RedisNotifier implements Notifier {
  readonly inProcess = true;
  private readonly work = new Set<() => void>();
  /** The final listeners by id: one function alone (nearly always), a Set when there are more. */
  private readonly finals = new Map<string, (() => void) | Set<() => void>>();
  private readonly cancels = new Set<(id: string) => void>();
  /** What this process's messages carry first; a store script that publishes for it sends it too. */
  readonly sender = randomUUID();
  private readonly channel: { readonly work: string; readonly final: string; readonly cancel: string };
  private readonly subscriber: RedisSubscriber;
  private readonly outgoing = {
    work: false,
    finals: [] as string[],
    outcomes: {} as Record<string, CarriedOutcome>,
    carried: 0,
    cancels: [] as string[],
  };
  /** Finals published by a store script whose publishFinal has not come yet. */
  private readonly publishedByScripts = new Set<string>();
  /** Inside `workPublished`, until its publishWork: a store script published that work message. */
  private workOut = false;
  private flushing: NodeJS.Immediate | undefined;
  private readonly sending = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly context: RedisContext,
    private readonly options: RedisNotifierOptions = {},
  ) {
    this.channel = {
      work: key(context, "work"),
      final: key(context, "final"),
      cancel: key(context, "cancel"),
    };
    this.subscriber = new RedisSubscriber(
      context,
      `${context.prefix}notifier`,
      {
        message: (channel, message) => this.received(channel, message),
        live: (channel, resumed) => this.live(channel, resumed),
      },
      { lingerMs: new Map([[this.channel.final, FINAL_LINGER_MS]]) },
    );
  }

  /** The channel of final messages, for a store script that publishes them (store-finish-5.lua). */
  get finalChannel(): string {
    return this.channel.final;
  }

  /**
   * A store script published the final message of `id` (same format, this sender): its publishFinal
   * then wakes the listeners here and publishes nothing. If that never comes, the id is dropped after
   * MAX_PUBLISHED_BY_SCRIPT others, and a late publishFinal only publishes it once more (harmless).
   */
  publishedByScript(id: string): void {
    if (this.closed) return;
    if (this.publishedByScripts.size >= MAX_PUBLISHED_BY_SCRIPT)
      this.publishedByScripts.delete(this.publishedByScripts.values().next().value!);
    this.publishedByScripts.add(id);
  }

  /** The channel of work messages, for a store script that publishes them (store-register-3.lua). */
  get workChannel(): string {
    return this.channel.work;
  }

  /**
   * Runs `announce`, in which the first publishWork only wakes the runners here: a store script
   * published that work message already (same format, this sender). Any other one still goes out.
   */
  workPublished(announce: () => void): void {
    this.workOut = true;
    try {
      announce();
    } finally {
      this.workOut = false;
    }
  }

  onWork(listener: () => void): Unsubscribe {
    return this.listen(this.work, listener, this.channel.work);
  }

  publishWork(): void {
    if (this.closed) return;
    for (const listener of this.work) listener();
    if (this.workOut) return void (this.workOut = false);
    this.outgoing.work = true;
    this.scheduleFlush();
  }

  onFinal(id: string, listener: () => void): Unsubscribe {
    if (this.closed) return () => {};
    const found = this.finals.get(id);
    if (found === undefined) {
      if (this.finals.size === 0) this.subscriber.want(this.channel.final, true);
      this.finals.set(id, listener);
    } else if (typeof found === "function") this.finals.set(id, new Set([found, listener]));
    else found.add(listener);
    return () => {
      const current = this.finals.get(id);
      if (current === listener) this.finals.delete(id);
      else if (typeof current !== "object" || !current.delete(listener)) return;
      else if (current.size === 0) this.finals.delete(id);
      if (this.finals.size === 0) this.subscriber.want(this.channel.final, false);
    };
  }

  publishFinal(id: string): void {
    if (this.closed) return;
    const carried = this.options.outcomes?.take(id);
    // Nobody here listens (a runner's own finishes, mostly): no outcome to hand over.
    if (carried && this.finals.has(id))
      this.options.outcomes!.delivering({ [id]: carried }, () => this.finalHere(id));
    else this.finalHere(id);
    if (this.publishedByScripts.delete(id)) return;
    if (carried) {
      this.outgoing.outcomes[id] = carried;
      this.outgoing.carried++;
    }
    this.outgoing.finals.push(id);
    this.scheduleFlush();
  }

  onCancel(listener: (id: string) => void): Unsubscribe {
    return this.listen(this.cancels, listener, this.channel.cancel);
  }

  publishCancel(id: string): void {
    if (this.closed) return;
    for (const listener of this.cancels) listener(id);
    this.outgoing.cancels.push(id);
    this.scheduleFlush();
  }

  /**
   * Settles once every subscription this process's listeners need is in effect: from then on nothing
   * published elsewhere is missed. A runner that awaits it before its first look at the queue cannot
   * miss work routed in between.
   */
  subscribed(): Promise<void> {
    return this.subscriber.whenLive();
  }

  /** Sends what this process published and has not sent yet, then drops its subscriptions and connection. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.work.clear();
      this.finals.clear();
      this.cancels.clear();
      this.publishedByScripts.clear();
      clearImmediate(this.flushing);
      this.flush();
    }
    // The subscriptions go first: the sends wait for the command connection (and for a reconnect).
    await this.subscriber.close();
    await Promise.all([...this.sending]);
  }

  private listen<L>(listeners: Set<L>, listener: L, channel: string): Unsubscribe {
    if (this.closed) return () => {};
    listeners.add(listener);
    this.subscriber.want(channel, true);
    return () => {
      if (listeners.delete(listener) && listeners.size === 0) this.subscriber.want(channel, false);
    };
  }

  /** Runs the final listeners of `id` (each once: they are dropped first). */
  private finalHere(id: string): void {
    const found = this.finals.get(id);
    if (!found) return;
    this.finals.delete(id);
    if (this.finals.size === 0) this.subscriber.want(this.channel.final, false);
    if (typeof found === "function") found();
    else for (const listener of found) listener();
  }

  private scheduleFlush(): void {
    this.flushing ??= setImmediate(() => this.flush());
  }

  /** One write for the turn: a PUBLISH per kind that has something to say. */
  private flush(): void {
    this.flushing = undefined;
    const { work, finals, outcomes, carried, cancels } = this.outgoing;
    this.outgoing.work = false;
    this.outgoing.finals = [];
    this.outgoing.cancels = [];
    if (carried > 0) {
      this.outgoing.outcomes = {};
      this.outgoing.carried = 0;
    }
    const messages: [string, string][] = [];
    if (work) messages.push([this.channel.work, JSON.stringify([this.sender])]);
    if (finals.length > 0) {
      const message = carried > 0 ? [this.sender, ...finals, { o: outcomes }] : [this.sender, ...finals];
      messages.push([this.channel.final, JSON.stringify(message)]);
    }
    if (cancels.length > 0) messages.push([this.channel.cancel, JSON.stringify([this.sender, ...cancels])]);
    if (messages.length === 0) return;
    const client = this.context.client;
    let sent: Promise<unknown>;
    if (messages.length === 1) sent = client.publish(...messages[0]!);
    else {
      const pipeline = client.pipeline();
      for (const [channel, message] of messages) pipeline.publish(channel, message);
      sent = pipeline.exec();
    }
    // A publish lost with the connection is made up for by the subscribers: they look again once back.
    const settled = sent.catch(() => {}).finally(() => this.sending.delete(settled));
    this.sending.add(settled);
  }

  private received(channel: string, message: string): void {
    // Nobody here awaits a result (the subscription lingers): nothing to read in a final message.
    if (this.closed || (channel === this.channel.final && this.finals.size === 0)) return;
    // Ids, and for finals maybe a last element carrying outcomes (see RedisNotifierOptions.outcomes).
    const [sender, ...ids] = JSON.parse(message) as string[];
    if (sender === this.sender) return; // delivered here when it was published
    if (channel === this.channel.final) this.finalsArrived(ids);
    else if (channel === this.channel.work) for (const listener of this.work) listener();
    else if (channel === this.channel.cancel)
      for (const id of ids) for (const listener of this.cancels) listener(id);
  }

  /** The ids of a final message, and the outcomes it carries for its listeners here. */
  private finalsArrived(items: readonly (string | { o?: Outcomes })[]): void {
    const last = items[items.length - 1];
    if (typeof last === "string" || !last?.o || !this.options.outcomes) {
      for (const id of items) if (typeof id === "string") this.finalHere(id);
      return;
    }
    this.options.outcomes.delivering(last.o, () => {
      for (const id of items) if (typeof id === "string") this.finalHere(id);
    });
  }

  /** A subscription took effect: make up for what may have been published before it did. */
  private live(channel: string, resumed: boolean): void {
    if (this.closed) return;
    if (channel === this.channel.final) void this.catchUpFinals();
    // New work routed while the connection was down: runners look at the queue once more.
    else if (channel === this.channel.work && resumed) for (const listener of this.work) listener();
  }

  private async catchUpFinals(): Promise<void> {
    const statuses = this.options.statuses;
    const ids = [...this.finals.keys()];
    if (!statuses || ids.length === 0) return;
    try {
      const records = await statuses.getStatuses(ids);
      for (let i = 0; i < ids.length; i++) {
        const record = records[i];
        // Gone from the store (a Redis back without persistence): its listeners look and find it gone.
        if (!record || isFinal(record.status)) this.finalHere(ids[i]!);
      }
    } catch {
      // Unreachable again: the next reconnect looks once more.
    }
  }
}

type Outcomes = Readonly<Record<string, CarriedOutcome>>;
