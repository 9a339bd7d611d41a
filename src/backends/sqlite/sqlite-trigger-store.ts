import type { TriggerStore } from "../../triggers/trigger-store.js";
import type { SqliteConnection } from "./connection.js";
import type { SqliteStatement } from "./driver.js";

/**
 * Composite-trigger parts in `tynenc_trigger_parts` and cron ticks in `tynenc_cron_ticks`. Each change
 * runs in the file's write transaction (BEGIN IMMEDIATE, see connection.ts), so the read that decides
 * and the write that follows it are one step across every process on the file.
 */
export class SqliteTriggerStore implements TriggerStore {
  private readonly s: Record<string, SqliteStatement>;
  private readonly satisfy: (
    triggerId: string,
    part: number,
    parts: number,
    context: string,
  ) => string[] | null;
  private readonly wipe: () => void;

  constructor(
    private readonly conn: SqliteConnection,
    private readonly app: string,
  ) {
    const db = conn.db;
    this.s = {
      setPart: db.prepare(
        `INSERT INTO tynenc_trigger_parts (app, trigger_id, part, context) VALUES (?, ?, ?, ?)
         ON CONFLICT (app, trigger_id, part) DO UPDATE SET context = excluded.context`,
      ),
      parts: db
        .prepare(
          "SELECT context FROM tynenc_trigger_parts WHERE app = ? AND trigger_id = ? AND part >= 0 AND part < ? ORDER BY part",
        )
        .pluck(),
      clear: db.prepare("DELETE FROM tynenc_trigger_parts WHERE app = ? AND trigger_id = ?"),
      claimTick: db.prepare(
        `INSERT INTO tynenc_cron_ticks (app, trigger_id, last_tick) VALUES (?, ?, ?)
         ON CONFLICT (app, trigger_id) DO UPDATE SET last_tick = excluded.last_tick
         WHERE last_tick < excluded.last_tick`,
      ),
      lastTick: db
        .prepare("SELECT last_tick FROM tynenc_cron_ticks WHERE app = ? AND trigger_id = ?")
        .pluck(),
      wipeParts: db.prepare("DELETE FROM tynenc_trigger_parts WHERE app = ?"),
      wipeTicks: db.prepare("DELETE FROM tynenc_cron_ticks WHERE app = ?"),
    };
    this.satisfy = db.transaction((triggerId: string, part: number, parts: number, context: string) => {
      this.s.setPart!.run(app, triggerId, part, context);
      const contexts = this.s.parts!.all(app, triggerId, parts) as string[];
      if (contexts.length < parts) return null;
      this.s.clear!.run(app, triggerId);
      return contexts;
    });
    this.wipe = db.transaction(() => {
      this.s.wipeParts!.run(app);
      this.s.wipeTicks!.run(app);
    });
  }

  satisfyPart(triggerId: string, part: number, parts: number, context: string): string[] | null {
    return this.conn.write(this.satisfy, triggerId, part, parts, context);
  }

  claimCronTick(triggerId: string, tick: number): boolean {
    return this.conn.write(() => this.s.claimTick!.run(this.app, triggerId, tick).changes > 0);
  }

  lastCronTick(triggerId: string): number | null {
    return (this.s.lastTick!.get(this.app, triggerId) as number | undefined) ?? null;
  }

  /** Forget every trigger's parts and ticks (`tynenc purge`). */
  purge(): void {
    this.conn.write(this.wipe);
  }
}
