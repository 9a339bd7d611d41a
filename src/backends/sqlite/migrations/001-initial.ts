/**
 * Schema version 1. One row per invocation in `tynenc_status` (orchestrator store: status, owner,
 * history, concurrency keys, wait counts) and `tynenc_records` (state backend: record and outcome),
 * every table keyed by app so apps sharing a file never see each other's rows.
 *
 * `seq` is the file's one order of changes (`tynenc_meta.seq`): history entries carry it and other
 * processes read "what changed since" through `tynenc_status_seq`. Partial indexes hold only the rows a
 * hot query looks for (waited-on runnable work, owned invocations, running keys...), so rows without
 * those keys cost them nothing.
 */
export const MIGRATION_001 = `
CREATE TABLE tynenc_status (
  app TEXT NOT NULL,
  id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  status TEXT NOT NULL,
  owner TEXT,
  at INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  history TEXT NOT NULL,
  registration_key TEXT,
  running_key TEXT,
  cache_key TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  waiters INTEGER NOT NULL DEFAULT 0,
  finished_at INTEGER,
  held INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (app, id)
);
CREATE INDEX tynenc_status_seq ON tynenc_status (app, seq);
CREATE INDEX tynenc_status_owner ON tynenc_status (app, owner) WHERE owner IS NOT NULL;
CREATE INDEX tynenc_status_finished ON tynenc_status (app, finished_at, seq) WHERE finished_at IS NOT NULL;
CREATE INDEX tynenc_status_held ON tynenc_status (app) WHERE held = 1;
CREATE INDEX tynenc_status_ready ON tynenc_status (app, seq)
  WHERE waiters > 0 AND status IN ('REGISTERED', 'REROUTED', 'RETRY');
CREATE INDEX tynenc_status_registration ON tynenc_status (app, registration_key)
  WHERE registration_key IS NOT NULL AND finished_at IS NULL;
CREATE INDEX tynenc_status_running_key ON tynenc_status (app, running_key, status)
  WHERE running_key IS NOT NULL AND finished_at IS NULL;
CREATE INDEX tynenc_status_cache ON tynenc_status (app, cache_key, seq)
  WHERE cache_key IS NOT NULL AND status = 'SUCCESS';

-- Outside readers' pins (OrchestratorStore.pin): apart from the status row, since a reader may pin
-- an invocation whose registration is still on its way to the file.
CREATE TABLE tynenc_pins (
  app TEXT NOT NULL,
  id TEXT NOT NULL,
  count INTEGER NOT NULL,
  pinned_at INTEGER NOT NULL,
  PRIMARY KEY (app, id)
) WITHOUT ROWID;

CREATE TABLE tynenc_waits (
  app TEXT NOT NULL,
  waiter TEXT NOT NULL,
  waited TEXT NOT NULL,
  PRIMARY KEY (app, waiter, waited)
) WITHOUT ROWID;
CREATE INDEX tynenc_waits_waited ON tynenc_waits (app, waited);

CREATE TABLE tynenc_records (
  app TEXT NOT NULL,
  id TEXT NOT NULL,
  parent_id TEXT,
  task_id TEXT,
  args_id TEXT,
  args TEXT,
  created_at INTEGER,
  running_key TEXT,
  large_value_keys TEXT,
  outcome_ok INTEGER,
  outcome TEXT,
  outcome_large_key TEXT,
  PRIMARY KEY (app, id)
);
CREATE INDEX tynenc_records_parent ON tynenc_records (app, parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE tynenc_queue (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  app TEXT NOT NULL,
  id TEXT NOT NULL,
  due_at INTEGER NOT NULL
);
CREATE INDEX tynenc_queue_due ON tynenc_queue (app, due_at, seq);

CREATE TABLE tynenc_data (
  app TEXT NOT NULL,
  key TEXT NOT NULL,
  text TEXT NOT NULL,
  refs INTEGER NOT NULL,
  PRIMARY KEY (app, key)
) WITHOUT ROWID;

CREATE TABLE tynenc_runners (
  app TEXT NOT NULL,
  runner_id TEXT NOT NULL,
  cls TEXT NOT NULL,
  hostname TEXT NOT NULL,
  pid INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  PRIMARY KEY (app, runner_id)
);

CREATE TABLE tynenc_leases (
  app TEXT NOT NULL,
  name TEXT NOT NULL,
  holder TEXT NOT NULL,
  until INTEGER NOT NULL,
  PRIMARY KEY (app, name)
);

INSERT INTO tynenc_meta (key, value) VALUES ('seq', 0);
`;
