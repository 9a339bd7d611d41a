import type { ClaimBatch, ClaimOptions } from "../backend.js";
import type { InvocationRecord } from "../../invocation/invocation-record.js";
import { InvocationStatus } from "../../invocation/status.js";
import { key, type RedisContext } from "./context.js";
import type { RedisBroker } from "./redis-broker.js";
import { StoreKeys } from "./redis-store-keys.js";
import { isRefusal, throwRefusal, type Refusal } from "./redis-store-rules.js";
import { recordOf } from "./redis-state-backend.js";
import { runScript } from "./scripts.js";
import { requestIdsOf, type RequestIds } from "./request-ids.js";

const S = InvocationStatus;

/** The reply of include/claim.lua (claim-next-5.lua, store-finish-5.lua), with Buffers for strings. */
type Reply = [
  claimed: Buffer[],
  blocked: Buffer[],
  records: (Buffer | null)[],
  next: Buffer,
  moved: number,
  more: number,
];

/**
 * `Backend.claimNext` on Redis: one run of claim-next-5.lua reads the ready set (kept in claim order), pops the
 * queue, claims, and answers with the records. The reply comes back as Buffers, as the records are
 * parsed by byte offsets (redis-state-backend.ts).
 */
export class RedisClaims {
  private readonly keys: readonly string[];
  private readonly storeBase: string;
  private readonly records: string;
  private readonly requestIds: RequestIds;

  constructor(
    private readonly context: RedisContext,
    private readonly broker: RedisBroker,
  ) {
    const store = new StoreKeys(context);
    this.storeBase = store.base;
    this.records = key(context, "rec:");
    this.keys = [store.seq, store.ready, store.finished, ...broker.keys];
    this.requestIds = requestIdsOf(context.client);
  }

  async claimNext(runnerId: string, max: number, at: number, options: ClaimOptions): Promise<ClaimBatch> {
    const running = options.running ? "1" : "0";
    const answer = await this.requestIds.send((request) => {
      const args = [this.storeBase, request, runnerId, at, max, options.window, this.records, running];
      return runScript(this.context.client, "claim-next-5", this.keys, args, true);
    });
    return claimBatchOf(answer, this.broker, runnerId, options.running, this.context.prefix);
  }
}

/** The claim's settings as store-finish-5.lua and store-pause-3.lua take them (window, running). */
export function claimSettings(options: ClaimOptions): (string | number)[] {
  return [options.window, options.running ? "1" : "0"];
}

/** A claim's reply (include/claim.lua, read as Buffers) as a ClaimBatch; a refusal throws its error. */
export function claimBatchOf(
  answer: unknown,
  broker: RedisBroker,
  runnerId: string,
  running: boolean,
  prefix: string,
): ClaimBatch {
  const parts = answer as Reply | Buffer[];
  // Buffers in this reply: a refusal back to strings for status.ts's error.
  const words = Buffer.isBuffer(parts[0]) ? parts.map((part) => String(part)) : undefined;
  if (isRefusal(words)) refused(words, runnerId, running, prefix);
  const [claimed, blocked, values, next, moved, more] = parts as Reply;
  const records: InvocationRecord[] = [];
  claimed.forEach((raw, i) => {
    const record = recordOf(raw.toString(), values[i] ?? null);
    if (record) records.push(record);
  });
  broker.popped(claimed.length + blocked.length, moved, next.toString());
  return { records, blocked: blocked.map((raw) => raw.toString()), more: more === 1 };
}

function refused(
  [, reason, status, owner, id]: Refusal,
  runnerId: string,
  running: boolean,
  prefix: string,
): never {
  const to = status === S.PENDING && running ? S.RUNNING : S.PENDING;
  throwRefusal(["ERR", reason, status, owner], id ?? "", to, runnerId, `prefix ${prefix}`);
}
