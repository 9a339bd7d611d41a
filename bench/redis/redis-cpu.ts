/**
 * The Redis server's CPU time over the timed part of each measurement, per job (INFO cpu:
 * used_cpu_user + used_cpu_sys): what a system's commands and scripts cost the server. On this 2-core VM
 * it moves far less from run to run than the wall time does (a slow run mostly waits longer), so it
 * shows a change to the scripts that the jobs/s cannot. Whatever else the server does meanwhile counts
 * too: the figures mean something only on a Redis that nothing else uses during the run.
 */
import type { Redis } from "ioredis";

async function usedCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info("cpu");
  const user = /^used_cpu_user:([\d.]+)/m.exec(info)?.[1];
  const system = /^used_cpu_sys:([\d.]+)/m.exec(info)?.[1];
  if (user === undefined || system === undefined) throw new Error("INFO cpu has no used_cpu_user/sys");
  return Number(user) + Number(system);
}

export class RedisCpu {
  private started: number | undefined;
  private readonly perJob: number[] = [];

  constructor(private readonly redis: Redis) {}

  /** Just before the timed part starts. */
  async begin(): Promise<void> {
    this.started = await usedCpuSeconds(this.redis);
  }

  /** Just after it ended, with how many jobs it ran: records µs of Redis CPU per job. */
  async end(jobs: number): Promise<void> {
    if (this.started === undefined) throw new Error("RedisCpu.end without begin");
    const used = (await usedCpuSeconds(this.redis)) - this.started;
    this.started = undefined;
    this.perJob.push((used * 1e6) / jobs);
  }

  /** The figures recorded since the last take (µs per job, in order), forgotten here. */
  take(): number[] {
    return this.perJob.splice(0);
  }
}
