import { InvocationStatus, type HistoryEntry } from "../../invocation/status.js";

const STATUSES = Object.values(InvocationStatus);
const STATUS_CODE = new Map(STATUSES.map((status, code) => [status, code]));
const FIELDS = 4; // status code, runner code, at, seq

/**
 * Histories kept as one flat number array per invocation (status, runner, time, seq per entry), with
 * runner ids interned: a quarter-million finished invocations would otherwise keep millions of small
 * objects alive for the garbage collector to walk. Entries become objects only when read.
 */
export class CompactHistory {
  private readonly runners: (string | null)[] = [null];
  private readonly runnerCodes = new Map<string, number>();

  start(status: InvocationStatus, runnerId: string | null, at: number, seq: number): number[] {
    return [STATUS_CODE.get(status)!, this.runnerCode(runnerId), at, seq];
  }

  append(
    history: number[],
    status: InvocationStatus,
    runnerId: string | null,
    at: number,
    seq: number,
  ): void {
    history.push(STATUS_CODE.get(status)!, this.runnerCode(runnerId), at, seq);
  }

  /** When the last entry was made (ms epoch). */
  lastAt(history: readonly number[]): number {
    return history[history.length - 2]!;
  }

  read(history: readonly number[]): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    for (let i = 0; i < history.length; i += FIELDS) {
      out.push({
        status: STATUSES[history[i]!]!,
        runnerId: this.runners[history[i + 1]!] ?? null,
        at: history[i + 2]!,
        seq: history[i + 3]!,
      });
    }
    return out;
  }

  private runnerCode(runnerId: string | null): number {
    if (runnerId === null) return 0;
    let code = this.runnerCodes.get(runnerId);
    if (code === undefined) {
      code = this.runners.push(runnerId) - 1;
      this.runnerCodes.set(runnerId, code);
    }
    return code;
  }
}
