import { BackendError } from "../../errors/errors.js";
import type { RunnerInfo } from "../../orchestrator/orchestrator-store.js";
import type { RedisClient } from "./driver.js";
import type { StoreKeys } from "./redis-store-keys.js";
import { runScript } from "./scripts.js";

/** What a runner's first heartbeat stores for good (its later beats only move `heartbeatAt`). */
type Described = Omit<RunnerInfo, "runnerId" | "heartbeatAt">;

/**
 * The runner registry: each runner's fixed description in one hash (written once, HSETNX) and its
 * latest heartbeat in another, both changed in one MULTI; leases through store-lease-1.lua.
 */
export class RedisRunners {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: StoreKeys,
  ) {}

  async heartbeat(runner: RunnerInfo): Promise<void> {
    const described: Described = {
      cls: runner.cls,
      hostname: runner.hostname,
      pid: runner.pid,
      startedAt: runner.startedAt,
    };
    const answers = await this.client
      .multi()
      .hsetnx(this.keys.runners, runner.runnerId, JSON.stringify(described))
      .hset(this.keys.beats, runner.runnerId, runner.heartbeatAt)
      .exec();
    valuesOf(answers);
  }

  /**
   * Its entries, its claims' kept answers and its place among the idle runners: it claims no more (left,
   * or recovered as dead), and a registration sends it no work message.
   */
  async remove(runnerId: string): Promise<void> {
    const { runners, beats, idle } = this.keys;
    const lastClaims = this.keys.lastClaims(runnerId);
    const multi = this.client.multi().hdel(runners, runnerId).hdel(beats, runnerId);
    await multi.del(lastClaims).srem(idle, runnerId).exec();
  }

  async list(): Promise<RunnerInfo[]> {
    const answers = await this.client.multi().hgetall(this.keys.runners).hgetall(this.keys.beats).exec();
    const [described, beats] = valuesOf(answers) as Record<string, string>[];
    if (!described || !beats)
      throw new BackendError("The redis store did not answer the runner registry read");
    return Object.entries(described)
      .map(([runnerId, text]) => ({
        runnerId,
        ...(JSON.parse(text) as Described),
        heartbeatAt: Number(beats[runnerId] ?? 0),
      }))
      .sort((a, b) => a.startedAt - b.startedAt);
  }

  async acquireLease(name: string, holder: string, at: number, until: number): Promise<boolean> {
    const granted = await runScript(
      this.client,
      "store-lease-1",
      [this.keys.lease(name)],
      [holder, at, until],
    );
    return granted === 1;
  }
}

/** The values of a MULTI's answers, throwing the first error (EXEC answers null if it was discarded). */
function valuesOf(answers: [Error | null, unknown][] | null): unknown[] {
  if (!answers) throw new BackendError("The redis store's MULTI was discarded");
  return answers.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
