import type { HistoryEntry, InvocationStatus } from "../../invocation/status.js";

/**
 * An invocation's history kept as text in its status row, one line per entry ("STATUS\trunner\tat\tseq"),
 * so a status change appends to its own row instead of inserting into an indexed history table.
 * Runner ids are tynenc's own (UUIDs, or ids chosen in tests): they never hold a tab or a newline.
 */
export function historyLine(
  status: InvocationStatus,
  runnerId: string | null,
  at: number,
  seq: number,
): string {
  return `${status}\t${runnerId ?? ""}\t${at}\t${seq}\n`;
}

export function parseHistory(text: string): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    const [status, runner, at, seq] = line.split("\t");
    entries.push({
      status: status as InvocationStatus,
      runnerId: runner ? runner : null,
      at: Number(at),
      seq: Number(seq),
    });
  }
  return entries;
}
