import type { ClaimBatch } from "../backend.js";
import { BackendError } from "../../errors/errors.js";
import { claimSettings } from "./redis-claim.js";
import { InvocationStatus } from "../../invocation/status.js";
import type { PauseOptions, StorePause } from "../../orchestrator/orchestrator-store.js";
import type { StatusRecord } from "../../invocation/status.js";
import type { RedisClient } from "./driver.js";
import { MAX_CARRIED_OUTCOME } from "./final-outcomes.js";
import type { ResumedReads } from "./resumed-reads.js";
import type { StoreKeys } from "./redis-store-keys.js";
import { isRefusal, throwRefusal } from "./redis-store-rules.js";
import { runScript } from "./scripts.js";
import { requestIdsOf, type RequestIds } from "./request-ids.js";

const S = InvocationStatus;
const PAUSE = "store-pause-3";
const RESUME = "store-resume-2";

/**
 * The most invocations whose edges the cycle search reads inside the script (one SMEMBERS each; a waited
 * one that never waited costs none) before it leaves the search to the caller, so a huge wait graph
 * never holds Redis for long. A recursive tree's waiting chain is as deep as the recursion, far below it.
 */
export const PAUSE_WALK_LIMIT = 2000;

/** What a pause needs to claim (see store-pause-3.lua). */
export interface PauseClaims {
  /** The records' key prefix. */
  readonly records: string;
  /** The broker's queue and delayed set. */
  readonly queueKeys: readonly string[];
  /** A claim's reply as a ClaimBatch (claimBatchOf, with the broker); without it a pause never claims. */
  readonly batchOf?: (reply: unknown, runnerId: string, running: boolean) => ClaimBatch;
}

/**
 * A task's await and its way back on Redis: `OrchestratorStore.recordAndPause` is one run of
 * store-pause-3.lua (claiming for the slot it frees when asked), `OrchestratorStore.resumeFromPause` one
 * of store-resume-2.lua.
 */
export class RedisPause {
  private readonly requestIds: RequestIds;

  constructor(
    private readonly client: RedisClient,
    private readonly keys: StoreKeys,
    /** Names the store in errors ("prefix ..."). */
    private readonly where: string,
    /** The records' key prefix, and the queue and delayed set a claim pops. */
    private readonly claims: PauseClaims,
    private readonly walkLimit = PAUSE_WALK_LIMIT,
    /** Where a resume leaves what it read of the waited ones. */
    private readonly ahead?: ResumedReads,
  ) {
    this.requestIds = requestIdsOf(client);
  }

  async recordAndPause(
    waiterId: string,
    waitedIds: readonly string[],
    runnerId: string,
    at: number,
    options: PauseOptions = {},
  ): Promise<StorePause> {
    const { claim, early = false } = options;
    const batchOf = this.claims.batchOf;
    const claiming = claim && claim.max > 0 && batchOf ? claim : undefined;
    // The reply comes back as Buffers, as claimed records are parsed by byte offsets.
    const keys = [this.keys.seq, this.keys.ready, ...this.claims.queueKeys];
    const answer = (await this.requestIds.send((request) =>
      runScript(
        this.client,
        PAUSE,
        keys,
        [
          this.keys.base,
          request,
          runnerId,
          at,
          this.walkLimit,
          this.claims.records,
          claiming ? claiming.max : 0,
          ...claimSettings(claiming ?? { window: 1, running: false }),
          early ? "1" : "0",
          waiterId,
          ...waitedIds,
        ],
        true,
      ),
    )) as unknown[];
    const word = String(answer[0]);
    const ids = (at: number) => (answer[at] as Buffer[]).map(String);
    switch (word) {
      case "OK": {
        const open = ids(1);
        const reply = answer[2] as unknown[];
        if (!claiming || reply.length === 0) return { open };
        return { open, claimed: batchOf!(reply, runnerId, claiming.running) };
      }
      case "CYCLE":
        return { open: ids(2), cycle: ids(1) };
      case "WALK":
        return { open: ids(1), unchecked: true };
      case "UNKNOWN":
        return { open: [], unregistered: String(answer[1]) };
      default: {
        const words = answer.map(String);
        if (isRefusal(words)) throwRefusal(words, waiterId, S.PAUSED, runnerId, this.where);
        throw new BackendError(`Unexpected answer from ${PAUSE}.lua: ${JSON.stringify(words)}`);
      }
    }
  }

  async resumeFromPause(id: string, runnerId: string, at: number): Promise<StatusRecord | undefined> {
    const request = this.requestIds.next();
    const answer = (await runScript(
      this.client,
      RESUME,
      [this.keys.seq, this.keys.ready],
      [this.keys.base, request, id, runnerId, at, MAX_CARRIED_OUTCOME, this.ahead ? this.claims.records : ""],
    )) as unknown[];
    if (isRefusal(answer)) {
      // RESUMED was refused: nothing changed. RUNNING refused after it: left RESUMED, as a held key
      // leaves it, and the runner's ordinary resume meets the refusal again and reports it.
      if (answer[4] === S.RESUMED) throwRefusal(answer, id, S.RESUMED, runnerId, this.where);
      return undefined;
    }
    if (answer[0] === "HELD") return undefined;
    if (answer[0] !== "OK") {
      throw new BackendError(`Unexpected answer from ${RESUME}.lua: ${JSON.stringify(answer)}`);
    }
    const owner = answer[1] as string;
    const waited = answer[2] as unknown[] | undefined;
    if (waited) this.ahead?.putWaited(waited);
    return { status: S.RUNNING, owner: owner === "" ? null : owner, at };
  }
}
