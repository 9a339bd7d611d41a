import type { TriggerStore } from "../../triggers/trigger-store.js";

/** Composite-trigger parts and cron ticks in this process: each method is synchronous, so atomic. */
export class MemoryTriggerStore implements TriggerStore {
  /** Per composite trigger, the latest context of each satisfied part since it last fired. */
  private readonly parts = new Map<string, Map<number, string>>();
  private readonly ticks = new Map<string, number>();

  satisfyPart(triggerId: string, part: number, parts: number, context: string): string[] | null {
    let satisfied = this.parts.get(triggerId);
    if (satisfied === undefined) this.parts.set(triggerId, (satisfied = new Map()));
    satisfied.set(part, context);
    for (let index = 0; index < parts; index++) if (!satisfied.has(index)) return null;
    this.parts.delete(triggerId);
    return Array.from({ length: parts }, (_, index) => satisfied.get(index) as string);
  }

  claimCronTick(triggerId: string, tick: number): boolean {
    const last = this.ticks.get(triggerId);
    if (last !== undefined && last >= tick) return false;
    this.ticks.set(triggerId, tick);
    return true;
  }

  lastCronTick(triggerId: string): number | null {
    return this.ticks.get(triggerId) ?? null;
  }

  purge(): void {
    this.parts.clear();
    this.ticks.clear();
  }
}
