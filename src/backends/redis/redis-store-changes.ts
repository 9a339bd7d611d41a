import { BackendError } from "../../errors/errors.js";
import { InvocationStatus, type StatusRecord } from "../../invocation/status.js";
import type { NewStatus } from "../../orchestrator/orchestrator-store.js";
import type { RedisClient } from "./driver.js";
import type { StoreKeys } from "./redis-store-keys.js";
import { isRefusal, throwRefusal } from "./redis-store-rules.js";
import { runScript } from "./scripts.js";
import { RequestIds } from "./request-ids.js";

const S = InvocationStatus;
const CHANGE = "store-change-3";
/**
 * The most ids (or arguments) sent in one script call. `runScript` spreads its arguments into one
 * function call, which overflows the stack somewhere past 100,000; a longer list takes one call per
 * chunk, in order, each atomic (beyond what any tick of the engine sends).
 */
export const MAX_IDS_PER_CALL = 50_000;
/** A register item is 5 arguments. */
const REGISTER_CHUNK = MAX_IDS_PER_CALL / 5;

/** `run` over `list` in chunks of `size`, one after the other, answers concatenated in order. */
export async function inChunks<T, R>(
  list: readonly T[],
  size: number,
  run: (chunk: readonly T[]) => Promise<R[]>,
): Promise<R[]> {
  if (list.length <= size) return run(list);
  let answers: R[] = [];
  for (let i = 0; i < list.length; i += size) answers = answers.concat(await run(list.slice(i, i + size)));
  return answers;
}

/**
 * The status changes of the orchestrator store: each call is one run of store-change-3.lua (or
 * store-cancel-1.lua), which validates with the rules of status.ts, writes the status, the history
 * entry and every index at once, so no other client ever sees one without the others.
 */
export class RedisStatusChanges {
  private readonly changeKeys: readonly string[];
  private readonly requestIds = new RequestIds();

  constructor(
    private readonly client: RedisClient,
    private readonly keys: StoreKeys,
    /** Names the store in errors ("prefix ..."). */
    private readonly where: string,
  ) {
    this.changeKeys = [keys.seq, keys.ready, keys.finished];
  }

  /** Runs one operation of store-change-3.lua (also used by the wait graph). */
  change(op: string, args: readonly (string | number)[]): Promise<unknown> {
    const request = this.requestIds.next();
    return runScript(this.client, CHANGE, this.changeKeys, [this.keys.base, op, request, ...args]);
  }

  register(
    items: readonly NewStatus[],
    runnerId: string | null,
    at: number,
  ): Promise<(string | undefined)[]> {
    return inChunks(items, REGISTER_CHUNK, (chunk) => this.registerChunk(chunk, runnerId, at));
  }

  private async registerChunk(
    items: readonly NewStatus[],
    runnerId: string | null,
    at: number,
  ): Promise<(string | undefined)[]> {
    if (items.length === 0) return [];
    const args: (string | number)[] = [runnerId ?? "", at];
    for (const item of items) {
      args.push(item.id, item.taskId, item.registrationKey ?? "", item.runningKey ?? "", item.cacheKey ?? "");
    }
    const answer = (await this.change("register", args)) as string[];
    return answer.map((holder) => (holder === "" ? undefined : holder));
  }

  async transition(
    id: string,
    to: InvocationStatus,
    runnerId: string | null,
    at: number,
    clearWaits: boolean,
  ): Promise<StatusRecord> {
    const args = [id, runnerId ?? "", at, clearWaits ? "1" : "", to];
    const answer = await this.change("transition", args);
    if (isRefusal(answer)) throwRefusal(answer, id, to, runnerId, this.where);
    return { status: to, owner: ownerOf(answer), at };
  }

  async requestCancel(id: string): Promise<StatusRecord | undefined> {
    const answer = (await runScript(this.client, "store-cancel-1", [this.keys.invocation(id)], [])) as
      [string, string, string] | null;
    return answer ? recordOf(answer) : undefined;
  }

  claim(ids: readonly string[], runnerId: string, at: number, blocked?: string[]): Promise<string[]> {
    return inChunks(ids, MAX_IDS_PER_CALL, (chunk) => this.claimChunk(chunk, runnerId, at, blocked));
  }

  private async claimChunk(
    ids: readonly string[],
    runnerId: string,
    at: number,
    blocked?: string[],
  ): Promise<string[]> {
    if (ids.length === 0) return [];
    const answer = await this.change("claim", [runnerId, at, ...ids]);
    if (isRefusal(answer)) {
      throwRefusal(answer, answer[4] ?? "", S.PENDING, runnerId, this.where);
    }
    const [claimed, held] = answer as [string[], string[]];
    if (blocked) for (const id of held) blocked.push(id);
    return claimed;
  }

  async resume(id: string, runnerId: string, at: number): Promise<StatusRecord | undefined> {
    const answer = await this.change("resume", [id, runnerId, at]);
    if (isRefusal(answer)) throwRefusal(answer, id, S.RUNNING, runnerId, this.where, true);
    if ((answer as string[])[0] === "HELD") return undefined;
    return { status: S.RUNNING, owner: ownerOf(answer), at };
  }
}

function ownerOf(answer: unknown): string | null {
  if (!Array.isArray(answer) || answer[0] !== "OK") {
    throw new BackendError(`Unexpected answer from the redis store's script: ${JSON.stringify(answer)}`);
  }
  const owner = answer[1] as string;
  return owner === "" ? null : owner;
}

/** A status record from the fields [s, o, at] of an invocation's hash. */
export function recordOf([status, owner, at]: readonly (string | null)[]): StatusRecord {
  return { status: status as InvocationStatus, owner: owner ? owner : null, at: Number(at) };
}
