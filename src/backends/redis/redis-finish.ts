import { randomUUID } from "node:crypto";
import type { FinishItem } from "../backend.js";
import type { InvocationStatus } from "../../invocation/status.js";
import { key, type RedisContext } from "./context.js";
import type { FinalOutcomes } from "./final-outcomes.js";
import { MAX_IDS_PER_CALL } from "./redis-store-changes.js";
import { StoreKeys } from "./redis-store-keys.js";
import { ONLY_CANCEL_ENDS_WORDS, isRefusal, moveRule, throwRefusal } from "./redis-store-rules.js";
import { runScript } from "./scripts.js";

/** An item is 8 arguments (store-finish-3.lua). */
const CHUNK = MAX_IDS_PER_CALL / 8;

interface Waiting {
  readonly item: FinishItem;
  readonly at: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * `Backend.finishFinal` on Redis: the outcome and the final move of an invocation in one run of
 * store-finish-3.lua, and the finishes asked in one event-loop turn in the same run (a runner at
 * many slots ends many invocations per turn), each with its own answer.
 */
export class RedisFinishes {
  private readonly keys: readonly string[];
  private readonly storeBase: string;
  private readonly records: string;
  private readonly where: string;
  /** Names each call, so a call ioredis sends again after a reconnect is answered as made. */
  private readonly requestPrefix = `${randomUUID()}:`;
  private requests = 0;
  private waiting: Waiting[] = [];
  private scheduled: NodeJS.Immediate | undefined;

  /** `outcomes`: where a finished invocation's small outcome waits to ride on its final message. */
  constructor(
    private readonly context: RedisContext,
    private readonly outcomes?: FinalOutcomes,
  ) {
    const store = new StoreKeys(context);
    this.storeBase = store.base;
    this.records = key(context, "rec:");
    this.keys = [store.seq, store.ready, store.finished];
    this.where = `prefix ${context.prefix}`;
  }

  finish(item: FinishItem): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, at: Date.now(), resolve, reject });
      this.scheduled ??= setImmediate(() => this.send());
    });
  }

  private send(): void {
    this.scheduled = undefined;
    const all = this.waiting;
    this.waiting = [];
    for (let i = 0; i < all.length; i += CHUNK) void this.sendChunk(all.slice(i, i + CHUNK));
  }

  private async sendChunk(batch: readonly Waiting[]): Promise<void> {
    const ruleIndex = new Map<InvocationStatus, number>();
    const rules: string[] = [];
    const items: (string | number)[] = [];
    for (const { item, at } of batch) {
      let index = ruleIndex.get(item.status);
      if (index === undefined) {
        ruleIndex.set(item.status, (index = ruleIndex.size + 1));
        rules.push(...moveRule(item.status));
      }
      const { outcome } = item;
      const [kind, text] = outcome.ok ? ["v", outcome.value] : ["e", outcome.error];
      items.push(item.id, item.runnerId ?? "", at, index, kind, text, item.unowned ? "1" : "0");
      items.push(outcome.largeValueKey ?? "");
    }
    const request = `${this.requestPrefix}${++this.requests}`;
    const args = [this.storeBase, request, this.records, ONLY_CANCEL_ENDS_WORDS, ruleIndex.size];
    let answers: unknown[];
    try {
      answers = (await runScript(this.context.client, "store-finish-3", this.keys, [
        ...args,
        ...rules,
        ...items,
      ])) as unknown[];
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    batch.forEach(({ item, resolve, reject }, i) => {
      const answer = answers[i];
      if (!isRefusal(answer)) {
        // An unowned finish (a cancel) keeps an outcome its owner stored first: which one is unknown here.
        this.outcomes?.keep(item.id, item.unowned ? undefined : item.outcome);
        return resolve();
      }
      this.outcomes?.keep(item.id, undefined);
      try {
        throwRefusal(answer, item.id, item.status, item.runnerId, this.where);
      } catch (error) {
        reject(error);
      }
    });
  }

  /** Sends now what waits for the next turn (the backend is closing). */
  dispose(): void {
    clearImmediate(this.scheduled);
    this.send();
  }
}
