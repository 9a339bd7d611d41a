import type { ClaimBatch, FinishClaim, FinishItem } from "../backend.js";
import { key, type RedisContext } from "./context.js";
import { carriable, MAX_CARRIED_OUTCOME, type FinalOutcomes } from "./final-outcomes.js";
import type { RedisBroker } from "./redis-broker.js";
import { claimBatchOf, claimSettings } from "./redis-claim.js";
import { MAX_IDS_PER_CALL } from "./redis-store-changes.js";
import { StoreKeys } from "./redis-store-keys.js";
import { isRefusal, throwRefusal } from "./redis-store-rules.js";
import type { ResumedReads } from "./resumed-reads.js";
import { runScript } from "./scripts.js";
import { requestIdsOf, type RequestIds } from "./request-ids.js";

/** An item is 11 arguments (store-finish-5.lua). */
const CHUNK = Math.floor(MAX_IDS_PER_CALL / 11);

const NO_CLAIM: ClaimBatch = { records: [], blocked: [], more: false };

interface Waiting {
  readonly item: FinishItem;
  /** What to claim once it is finished (finishAndClaim), for `item.runnerId`. */
  readonly claim: FinishClaim | undefined;
  readonly at: number;
  readonly resolve: (claimed: ClaimBatch) => void;
  readonly reject: (error: unknown) => void;
}

type Answer = readonly Buffer[];

/** A waiter a finish resumed (store-finish-5.lua): the item's place (1-based), id, owner, what it waited for. */
type ResumedByFinish = [place: number, id: Buffer, owner: Buffer, waited: unknown[]];

/**
 * Who the finish script publishes the finals it makes for, as that notifier would (RedisNotifier): its
 * channel and sender, and `publishedByScript(id)` once the script published the final of `id`, so that
 * the notifier's publishFinal runs the listeners here and sends nothing more.
 */
export interface FinalsFromScript {
  readonly finalChannel: string;
  readonly sender: string;
  publishedByScript(id: string): void;
}

/**
 * `Backend.finishFinal` and `Backend.finishAndClaim` on Redis: the outcome and the final move of an
 * invocation in one run of store-finish-5.lua, and the finishes asked in one event-loop turn in the
 * same run (a runner at many slots ends many invocations per turn; in two runs a turn apart when two or
 * more of them claim: see send), each with its own answer. A
 * runner's finishes may ask the same run to claim for the slots they free (include/claim.lua): the
 * claimed records come back in its reply, shared out over the accepted finishes that asked, at most
 * what each asked for. The same run publishes the final message of the accepted ones (`finals`), so a
 * finish costs no PUBLISH after it.
 */
export class RedisFinishes {
  private readonly keys: readonly string[];
  private readonly storeBase: string;
  private readonly records: string;
  private readonly where: string;
  private readonly requestIds: RequestIds;
  private waiting: Waiting[] = [];
  /** Batches held back a turn, to go whole on the next send (see send). */
  private later: Waiting[][] = [];
  private scheduled: NodeJS.Immediate | undefined;

  /**
   * `outcomes`: where a finished invocation's small outcome waits for the listeners here; `finals`: who
   * the script publishes the finals for (without it, it publishes none).
   */
  constructor(
    private readonly context: RedisContext,
    private readonly broker: RedisBroker,
    private readonly outcomes?: FinalOutcomes,
    private readonly finals?: FinalsFromScript,
    /** Where a waiter resumed by a finish finds what it waited for, read ahead. */
    private readonly ahead?: ResumedReads,
  ) {
    const store = new StoreKeys(context);
    this.storeBase = store.base;
    this.records = key(context, "rec:");
    this.keys = [store.seq, store.ready, store.finished, ...broker.keys];
    this.where = `prefix ${context.prefix}`;
    this.requestIds = requestIdsOf(context.client);
  }

  finish(item: FinishItem): Promise<void> {
    return new Promise((resolve, reject) =>
      this.add({ item, claim: undefined, at: Date.now(), resolve: () => resolve(), reject }),
    );
  }

  finishAndClaim(item: FinishItem, claim: FinishClaim): Promise<ClaimBatch> {
    return new Promise((resolve, reject) => this.add({ item, claim, at: Date.now(), resolve, reject }));
  }

  private add(waiting: Waiting): void {
    this.waiting.push(waiting);
    this.scheduled ??= setImmediate(() => this.send());
  }

  /**
   * Sends the finishes of this turn, and the batches held back by the turn before. A batch in which
   * two or more finishes claim (a runner at many slots whose work all ended in one turn) goes as two
   * calls: the first half now, the rest on the next turn (`split`; not when closing). Two calls written
   * together reach Redis in one read, run one after the other and are answered together; the second
   * sent a turn later reaches Redis while it runs the first, whose answer then comes back first, and the
   * runner starts what that claimed while Redis runs the rest. Runner and Redis work at the same time
   * instead of taking turns: at 8 slots on trivial work, about a fifth more jobs/s (docs/benchmarks-redis.md).
   */
  private send(split = true): void {
    this.scheduled = undefined;
    const held = this.later;
    this.later = [];
    for (const batch of held) this.sendAll(batch);
    const all = this.waiting;
    this.waiting = [];
    // One run claims for one runner (with one set of claim options): a turn's finishes go by who
    // claims, those that claim nothing with the first group (nearly always there is just one).
    const groups = new Map<string, Waiting[]>();
    for (const waiting of all) {
      const { claim, item } = waiting;
      const group = claim ? `${item.runnerId ?? ""}\n${claim.window}\n${claim.running}` : "";
      const members = groups.get(group);
      if (members) members.push(waiting);
      else groups.set(group, [waiting]);
    }
    const plain = groups.get("");
    if (plain && groups.size > 1) {
      groups.delete("");
      groups
        .values()
        .next()
        .value!.push(...plain);
    }
    for (const batch of groups.values()) {
      const half = Math.ceil(batch.length / 2);
      if (!split || batch.length < 2 || half > CHUNK || batch.filter((w) => w.claim).length < 2) {
        this.sendAll(batch);
        continue;
      }
      void this.sendChunk(batch.slice(0, half));
      this.later.push(batch.slice(half));
      this.scheduled ??= setImmediate(() => this.send());
    }
  }

  private sendAll(batch: readonly Waiting[]): void {
    for (let i = 0; i < batch.length; i += CHUNK) void this.sendChunk(batch.slice(i, i + CHUNK));
  }

  private async sendChunk(batch: readonly Waiting[]): Promise<void> {
    const items: (string | number)[] = [];
    let claiming: Waiting | undefined;
    for (const waiting of batch) {
      const { item, at, claim } = waiting;
      const { outcome } = item;
      const [kind, text] = outcome.ok ? ["v", outcome.value] : ["e", outcome.error];
      items.push(item.id, item.runnerId ?? "", at, item.status, kind, text, item.unowned ? "1" : "0");
      // An unowned finish keeps an outcome its owner stored first: which one is unknown here.
      const carried = !item.unowned && carriable(outcome) ? "1" : "0";
      items.push(outcome.largeValueKey ?? "", claim ? claim.max : 0, carried, claim?.resume?.join(",") ?? "");
      if (claim) claiming ??= waiting;
    }
    const runnerId = claiming?.item.runnerId ?? "";
    const settings = claimSettings(claiming?.claim ?? { window: 1, running: false });
    const publish = [this.finals?.finalChannel ?? "", this.finals?.sender ?? ""];
    const at = Date.now();
    let answers: Answer[];
    let claimed: ClaimBatch = NO_CLAIM;
    let resumed: ResumedByFinish[];
    try {
      const reply = (await this.requestIds.send((request) => {
        const args = [this.storeBase, request, this.records, runnerId, at];
        const all = [...args, ...settings, ...publish, MAX_CARRIED_OUTCOME, ...items];
        return runScript(this.context.client, "store-finish-5", this.keys, all, true);
      })) as [Answer[], unknown[], ResumedByFinish[]];
      answers = reply[0];
      if (claiming && reply[1].length > 0) claimed = this.claimedOf(reply[1], runnerId, claiming.claim!);
      resumed = reply[2];
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    this.answer(batch, answers, claimed, this.resumedOf(resumed));
  }

  /** The waiters each item's finish resumed, by the item's place (0-based), their waits read ahead. */
  private resumedOf(resumed: readonly ResumedByFinish[]): Map<number, string[]> {
    const byItem = new Map<number, string[]>();
    for (const [place, id, , waited] of resumed) {
      this.ahead?.putWaited(waited);
      const ids = byItem.get(place - 1);
      if (ids) ids.push(String(id));
      else byItem.set(place - 1, [String(id)]);
    }
    return byItem;
  }

  private claimedOf(reply: unknown, runnerId: string, claim: FinishClaim): ClaimBatch {
    try {
      return claimBatchOf(reply, this.broker, runnerId, claim.running, this.context.prefix);
    } catch {
      // The finishes stand. A claim refused (the scripts out of date with status.ts) claimed nothing
      // here: `more` sends the runner to claimNext, which meets the same refusal and reports it.
      return { records: [], blocked: [], more: true };
    }
  }

  /** Each finish its answer; the claimed records go to the accepted ones that asked, in order. */
  private answer(
    batch: readonly Waiting[],
    answers: readonly Answer[],
    claimed: ClaimBatch,
    resumed: ReadonlyMap<number, string[]>,
  ): void {
    let next = 0;
    let blocked = claimed.blocked;
    batch.forEach(({ item, claim, resolve, reject }, i) => {
      const answer = answers[i]!.map(String);
      if (!isRefusal(answer)) {
        // An unowned finish (a cancel) keeps an outcome its owner stored first: which one is unknown here.
        this.outcomes?.keep(item.id, item.unowned ? undefined : item.outcome);
        this.finals?.publishedByScript(item.id);
        if (!claim) return resolve(NO_CLAIM);
        const taken = resumed.get(i);
        if (taken) return resolve({ records: [], blocked: [], more: false, resumed: taken });
        const records = claimed.records.slice(next, next + claim.max);
        next += records.length;
        resolve({ records, blocked, more: claimed.more });
        blocked = [];
        return;
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
    this.send(false);
  }
}
