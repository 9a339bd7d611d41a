import type { InvocationRecord, Outcome } from "../../invocation/invocation-record.js";
import type { StateBackend } from "../../state-backend/state-backend.js";
import { key, type RedisContext } from "./context.js";
import { StoreKeys } from "./redis-store-keys.js";
import { ONLY_CANCEL_ENDS_WORDS } from "./redis-store-rules.js";
import { runScript } from "./scripts.js";

/** What a record's string holds besides its id (the key) and its arguments (stored raw after it). */
type Meta = [
  taskId: string,
  argsId: string,
  parentId: string | null,
  createdAt: number,
  runningKey?: string | null,
  largeValueKeys?: readonly string[],
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

  constructor(private readonly context: RedisContext) {
    this.storeKeys = new StoreKeys(context);
  }

  async saveInvocations(records: readonly InvocationRecord[]): Promise<void> {
    if (records.length === 0) return;
    const args: string[] = [];
    for (const record of records) {
      const meta = JSON.stringify(metaOf(record));
      const text = record.serializedArgs;
      const value = `${Buffer.byteLength(meta)},${Buffer.byteLength(text)}:${meta}${text}`;
      args.push(record.id, record.parentId ?? "", value);
    }
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
    return joined ? joined.split(",") : [];
  }

  /**
   * With `ifAbsent`, an outcome already stored is kept unless the orchestrator store (on this Redis)
   * holds the invocation in a status only a cancel can end: then it is a refused attempt's leftover and
   * goes (see lua/state-set-outcome-1.lua).
   */
  async setOutcome(id: string, outcome: Outcome, ifAbsent = false): Promise<void> {
    const text = outcome.ok ? outcome.value : outcome.error;
    const args = ifAbsent
      ? [outcome.ok ? "v" : "e", text, "1", this.storeKeys.invocation(id), ONLY_CANCEL_ENDS_WORDS]
      : [outcome.ok ? "v" : "e", text, "0", "", ""];
    if (outcome.largeValueKey !== undefined) args.push(outcome.largeValueKey);
    await runScript(this.context.client, "state-set-outcome-1", [this.recordKey(id)], args);
  }

  async getOutcome(id: string): Promise<Outcome | undefined> {
    const found = (await runScript(this.context.client, "state-get-outcome-1", [this.recordKey(id)], [])) as
      [flag: string, text: string, largeValueKey?: string] | null;
    if (!found) return undefined;
    const [flag, text, largeValueKey] = found;
    const ok = flag === "v" || flag === "V";
    if (largeValueKey === undefined) return ok ? { ok, value: text } : { ok, error: text };
    return ok ? { ok, value: text, largeValueKey } : { ok, error: text, largeValueKey };
  }

  async deleteInvocations(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    return (await runScript(this.context.client, "state-delete-1", [this.context.prefix], ids)) as string[];
  }

  /** Deletes every record, outcome and children list of this app (SCAN + UNLINK: other keys stay). */
  async purge(): Promise<void> {
    const { client, prefix } = this.context;
    const mine = [`${prefix}rec:`, `${prefix}kids:`];
    const pattern = `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
    let cursor = "0";
    let batch: string[] = [];
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      for (const found of keys) if (mine.some((start) => found.startsWith(start))) batch.push(found);
      if (batch.length >= PURGE_BATCH || (cursor === "0" && batch.length > 0)) {
        await client.unlink(...batch);
        batch = [];
      }
    } while (cursor !== "0");
  }

  private recordKey(id: string): string {
    return key(this.context, `rec:${id}`);
  }
}

/** The JSON array stored before the arguments, trailing absent fields left out. */
function metaOf(record: InvocationRecord): Meta {
  const meta: Meta = [record.taskId, record.argsId, record.parentId, record.createdAt];
  const keys = record.largeValueKeys;
  if (keys?.length) meta.push(record.runningKey ?? null, keys);
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
  const [taskId, argsId, parentId, createdAt, runningKey, largeValueKeys] = JSON.parse(
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
  return record;
}
