import { BackendError } from "../../errors/errors.js";
import { InvocationStatus } from "../../invocation/status.js";
import type { StorePause } from "../../orchestrator/orchestrator-store.js";
import type { StatusRecord } from "../../invocation/status.js";
import type { RedisClient } from "./driver.js";
import { MAX_CARRIED_OUTCOME } from "./final-outcomes.js";
import type { ResumedReads } from "./resumed-reads.js";
import { outcomeOf, type StoredOutcome } from "./redis-state-backend.js";
import type { StoreKeys } from "./redis-store-keys.js";
import { FINAL_WORDS, RUNNABLE_WORDS, isRefusal, moveRule, throwRefusal } from "./redis-store-rules.js";
import { runScript } from "./scripts.js";
import { RequestIds } from "./request-ids.js";

const S = InvocationStatus;
const PAUSE = "store-pause-2";
const RESUME = "store-resume-2";

/**
 * The most invocations the cycle search visits inside the script (one SMEMBERS each) before it leaves
 * the search to the caller, so a huge wait graph never holds Redis for long. A recursive tree's waiting
 * chain is as deep as the recursion, far below it.
 */
export const PAUSE_WALK_LIMIT = 2000;

/**
 * A task's await and its way back on Redis: `OrchestratorStore.recordAndPause` is one run of
 * store-pause-2.lua, `OrchestratorStore.resumeFromPause` one of store-resume-2.lua.
 */
export class RedisPause {
  private readonly requestIds = new RequestIds();

  constructor(
    private readonly client: RedisClient,
    private readonly keys: StoreKeys,
    /** Names the store in errors ("prefix ..."). */
    private readonly where: string,
    private readonly walkLimit = PAUSE_WALK_LIMIT,
    /** Where a resume leaves what it read of the waited ones, and the records' key prefix. */
    private readonly ahead?: { readonly reads: ResumedReads; readonly records: string },
  ) {}

  async recordAndPause(
    waiterId: string,
    waitedIds: readonly string[],
    runnerId: string,
    at: number,
  ): Promise<StorePause> {
    const request = this.requestIds.next();
    const answer = (await runScript(
      this.client,
      PAUSE,
      [this.keys.seq, this.keys.ready],
      [
        this.keys.base,
        request,
        runnerId,
        at,
        RUNNABLE_WORDS,
        FINAL_WORDS,
        ...moveRule(S.PAUSED),
        this.walkLimit,
        waiterId,
        ...waitedIds,
      ],
    )) as unknown[];
    if (isRefusal(answer)) throwRefusal(answer, waiterId, S.PAUSED, runnerId, this.where);
    switch (answer[0]) {
      case "OK":
        return { open: answer[1] as string[] };
      case "CYCLE":
        return { open: answer[2] as string[], cycle: answer[1] as string[] };
      case "WALK":
        return { open: answer[1] as string[], unchecked: true };
      default:
        throw new BackendError(`Unexpected answer from ${PAUSE}.lua: ${JSON.stringify(answer)}`);
    }
  }

  async resumeFromPause(id: string, runnerId: string, at: number): Promise<StatusRecord | undefined> {
    const request = this.requestIds.next();
    const answer = (await runScript(
      this.client,
      RESUME,
      [this.keys.seq, this.keys.ready],
      [
        this.keys.base,
        request,
        id,
        runnerId,
        at,
        ...moveRule(S.RESUMED),
        ...moveRule(S.RUNNING),
        FINAL_WORDS,
        MAX_CARRIED_OUTCOME,
        this.ahead?.records ?? "",
      ],
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
    const waited = answer[2] as (string | StoredOutcome)[] | undefined;
    if (waited && this.ahead) {
      for (let i = 0; i + 4 < waited.length; i += 5) {
        const outcome = outcomeOf(waited[i + 4] as StoredOutcome);
        if (outcome) this.ahead.reads.put(waited[i] as string, outcome);
      }
    }
    return { status: S.RUNNING, owner: owner === "" ? null : owner, at };
  }
}
