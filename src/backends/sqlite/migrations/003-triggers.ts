/**
 * Schema version 3: what triggers keep. `tynenc_trigger_parts` holds, per composite (`allOf`) trigger,
 * the latest context of each part satisfied since it last fired; `tynenc_cron_ticks` the last tick each
 * cron trigger fired (compare-and-set, so no tick fires twice). `tynenc_records.triggered_by` is the
 * JSON `TriggeredBy` of an invocation a trigger made, NULL for any other.
 */
export const MIGRATION_003 = `
ALTER TABLE tynenc_records ADD COLUMN triggered_by TEXT;

CREATE TABLE tynenc_trigger_parts (
  app TEXT NOT NULL,
  trigger_id TEXT NOT NULL,
  part INTEGER NOT NULL,
  context TEXT NOT NULL,
  PRIMARY KEY (app, trigger_id, part)
) WITHOUT ROWID;

CREATE TABLE tynenc_cron_ticks (
  app TEXT NOT NULL,
  trigger_id TEXT NOT NULL,
  last_tick INTEGER NOT NULL,
  PRIMARY KEY (app, trigger_id)
) WITHOUT ROWID;
`;
