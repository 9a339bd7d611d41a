import type { RunnerInfo } from "../../orchestrator/orchestrator-store.js";

/** The memory store's runner registry and leases (see `OrchestratorStore.heartbeat`, `acquireLease`). */
export class MemoryRunners {
  private readonly registry = new Map<string, RunnerInfo>();
  private readonly leases = new Map<string, { holder: string; until: number }>();

  heartbeat(runner: RunnerInfo): void {
    const known = this.registry.get(runner.runnerId);
    this.registry.set(runner.runnerId, known ? { ...known, heartbeatAt: runner.heartbeatAt } : { ...runner });
  }

  remove(runnerId: string): void {
    this.registry.delete(runnerId);
  }

  list(): RunnerInfo[] {
    return [...this.registry.values()];
  }

  acquireLease(name: string, holder: string, at: number, until: number): boolean {
    const lease = this.leases.get(name);
    if (lease && lease.holder !== holder && lease.until >= at) return false;
    this.leases.set(name, { holder, until });
    return true;
  }

  clear(): void {
    this.registry.clear();
    this.leases.clear();
  }
}
