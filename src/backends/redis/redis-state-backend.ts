import { literalPattern, scanKeys } from "./scan.js";
import type { InvocationRecord, Outcome } from "../../invocation/invocation-record.js";
import type { StateBackend } from "../../state-backend/state-backend.js";
import type { TriggeredBy } from "../../triggers/trigger-store.js";
import { key, type RedisContext } from "./context.js";
import type { FinalOutcomes } from "./final-outcomes.js";
import type { ResumedReads } from "./resumed-reads.js";
import { StoreKeys } from "./redis-store-keys.js";
import { runScript } from "./scripts.js";
import { MAX_IDS_PER_CALL, inChunks } from "./redis-store-changes.js";
import { isReplyError, TickBatch } from "./tick-batch.js";

/** An outcome as state-get-outcomes-1.lua answers it, null when none is stored. */
export type StoredOutcome = [flag: string, text: string, largeValueKey?: string] | null;

/** What a record's string holds besides its id (the key) and its arguments (stored raw after it). */
type Meta = [
  taskId: string,
  argsId: string,
  parentId: string | null,
  createdAt: number,
  runningKey?: string | null,
  largeValueKeys?: readonly string[] | null,
  dueAt?: number | null,
  triggeredBy?: TriggeredBy,
];

const COMMA = 0x2c;
const COLON = 0x3a;
/** Keys deleted per UNLINK while purging. */
const PURGE_BATCH = 500;

/**
 * Records and outcomes: one Redis string per invocation, `<prefix>rec:<id>`, holding its record and,
 * once it ended, its outcome (layout in lua/state-save-1.lua); the children of a parent in the string
 * `<prefix>kids:<parentId>`, ids joined by "," (invocation ids are UUIDs). Every method is one round
 * trip: a batch of records is saved by one script call and read back by one MGET.
 */
export class RedisStateBackend implements StateBackend {
  /** The orchestrator store's keys, read by a cancel's setOutcome (the store's status of the invocation). */
  private readonly storeKeys: StoreKeys;
  /** The outcome reads of one tick (a final message wakes several callers at once): one call. */
  private readonly outcomeReads = new TickBatch((ids: readonly string[]) => this.readOutcomes(ids), {
    retryAlone: isReplyError,
  });

  /** `outcomes`: where small outcomes go to ride on their final message, and arrive from one. */
  constructor(
    private readonly context: RedisContext,
    private readonly outcomes?: FinalOutcomes,
    /** Small outcomes a resume read ahead for the awaits of the resumed task. */
    private readonly ahead?: ResumedReads,
  ) {
    this.storeKeys = new StoreKeys(context);
  }

  async saveInvocations(records: readonly InvocationRecord[]): Promise<void> {
    if (records.length === 0) return;
    const args: string[] = [];
    for (const record of records) args.push(record.id, record.parentId ?? "", recordValue(record));
    await runScript(this.context.client, "state-save-1", [this.context.prefix], args);
  }

  async getInvocation(id: string): Promise<InvocationRecord | undefined> {
    return recordOf(id, await this.context.client.getBuffer(this.recordKey(id)));
  }

  async getInvocations(ids: readonly string[]): Promise<InvocationRecord[]> {
    if (ids.length === 0) return [];
    const values = await this.context.client.mgetBuffer(...ids.map((id) => this.recordKey(id)));
    const out: InvocationRecord[] = [];
    for (const [i, id] of ids.entries()) {
      const record = recordOf(id, values[i] ?? null);
      if (record) out.push(record);
    }
    return out;
  }

  async getChildren(parentId: string): Promise<string[]> {
    const joined = await this.context.client.get(key(this.context, `kids:${parentId}`));
    // Each id follows a "," (include/record-save.lua); a list an older script wrote starts with an id.
    return joined ? joined.split(",").filter((id) => id !== "") : [];
  }

  /**
   * With `ifAbsent`, an outcome already stored is kept unless the orchestrator store (on this Redis)
   * holds the invocation in a status only a cancel can end: then it is a refused attempt's leftover and
   * goes (see lua/state-set-outcome-1.lua).
   */
  async setOutcome(id: string, outcome: Outcome, ifAbsent = false): Promise<void> {
    const text = outcome.ok ? outcome.value : outcome.error;
    const args = ifAbsent
      ? [outcome.ok ? "v" : "e", text, "1", this.storeKeys.invocation(id)]
      : [outcome.ok ? "v" : "e", text, "0", ""];
    if (outcome.largeValueKey !== undefined) args.push(outcome.largeValueKey);
    this.outcomes?.keep(id, undefined);
    const written = await runScript(this.context.client, "state-set-outcome-1", [this.recordKey(id)], args);
    // Kept (ifAbsent) leaves an outcome stored earlier, unknown here: its final carries none.
    this.outcomes?.keep(id, written === 1 ? outcome : undefined);
  }

  getOutcome(id: string): Promise<Outcome | undefined> {
    const carried = this.outcomes?.arrivedOutcome(id) ?? this.ahead?.outcome(id);
    if (carried) return Promise.resolve(carried);
    return this.outcomeReads.request(id);
  }

  private readOutcomes(ids: readonly string[]): Promise<(Outcome | undefined)[]> {
    const { client, prefix } = this.context;
    return inChunks(ids, MAX_IDS_PER_CALL, async (chunk) => {
      const found = (await runScript(client, "state-get-outcomes-1", [prefix], chunk)) as StoredOutcome[];
      return found.map(outcomeOf);
    });
  }

  async deleteInvocations(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    return (await runScript(this.context.client, "state-delete-1", [this.context.prefix], ids)) as string[];
  }

  /** Deletes every record, outcome and children list of this app (SCAN + UNLINK: other keys stay). */
  async purge(): Promise<void> {
    const { client, prefix } = this.context;
    const mine = [`${prefix}rec:`, `${prefix}kids:`];
    const batch: string[] = [];
    for await (const keys of scanKeys(client, `${literalPattern(prefix)}*`)) {
      for (const found of keys) if (mine.some((start) => found.startsWith(start))) batch.push(found);
      if (batch.length >= PURGE_BATCH) await client.unlink(...batch.splice(0));
    }
    if (batch.length > 0) await client.unlink(...batch);
  }

  private recordKey(id: string): string {
    return key(this.context, `rec:${id}`);
  }
}

/** The string stored for a record, before any outcome (layout in lua/state-save-1.lua). */
export function recordValue(record: InvocationRecord): string {
  const meta = JSON.stringify(metaOf(record));
  const text = record.serializedArgs;
  return `${Buffer.byteLength(meta)},${Buffer.byteLength(text)}:${meta}${text}`;
}

export function outcomeOf(found: StoredOutcome | undefined): Outcome | undefined {
  if (!found) return undefined;
  const [flag, text, largeValueKey] = found;
  const ok = flag === "v" || flag === "V";
  if (largeValueKey === undefined) return ok ? { ok, value: text } : { ok, error: text };
  return ok ? { ok, value: text, largeValueKey } : { ok, error: text, largeValueKey };
}

/** The JSON array stored before the arguments, trailing absent fields left out. */
function metaOf(record: InvocationRecord): Meta {
  const meta: Meta = [record.taskId, record.argsId, record.parentId, record.createdAt];
  const keys = record.largeValueKeys;
  if (record.triggeredBy !== undefined)
    meta.push(
      record.runningKey ?? null,
      keys?.length ? keys : null,
      record.dueAt ?? null,
      record.triggeredBy,
    );
  else if (record.dueAt !== undefined)
    meta.push(record.runningKey ?? null, keys?.length ? keys : null, record.dueAt);
  else if (keys?.length) meta.push(record.runningKey ?? null, keys);
  else if (record.runningKey !== undefined) meta.push(record.runningKey);
  return meta;
}

/** Parses `<metaBytes>,<argsBytes>:<meta><args>...` (lengths in bytes); undefined for an outcome-only row. */
export function recordOf(id: string, value: Buffer | null): InvocationRecord | undefined {
  if (!value) return undefined;
  const comma = value.indexOf(COMMA);
  const start = value.indexOf(COLON, comma) + 1;
  const metaBytes = Number(value.toString("latin1", 0, comma));
  if (metaBytes === 0) return undefined;
  const argsStart = start + metaBytes;
  const argsEnd = argsStart + Number(value.toString("latin1", comma + 1, start - 1));
  const [taskId, argsId, parentId, createdAt, runningKey, largeValueKeys, dueAt, triggeredBy] = JSON.parse(
    value.toString("utf8", start, argsStart),
  ) as Meta;
  const record: { -readonly [K in keyof InvocationRecord]: InvocationRecord[K] } = {
    id,
    taskId,
    argsId,
    serializedArgs: value.toString("utf8", argsStart, argsEnd),
    parentId,
    createdAt,
  };
  if (runningKey != null) record.runningKey = runningKey;
  if (largeValueKeys) record.largeValueKeys = largeValueKeys;
  if (dueAt != null) record.dueAt = dueAt;
  if (triggeredBy !== undefined) record.triggeredBy = triggeredBy;
  return record;
}
