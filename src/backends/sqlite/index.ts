// The declarations of this entry point (`tynenc/sqlite`) load @types/node themselves, as src/index.ts does.
/// <reference types="node" preserve="true" />
import type { Backend } from "../backend.js";
import { SqliteBroker } from "./sqlite-broker.js";
import { SqliteConnection } from "./connection.js";
import { SqliteDataStore } from "./sqlite-data-store.js";
import { SqliteNotifier } from "./sqlite-notifier.js";
import { SqliteOrchestratorStore } from "./sqlite-orchestrator-store.js";
import { SqliteStateBackend } from "./sqlite-state-backend.js";
import { SqliteTriggerStore } from "./sqlite-trigger-store.js";

// Only the factory is public: the components' declarations mention better-sqlite3's types, which a
// consumer that never uses SQLite does not have.

export interface SqliteBackendOptions {
  /** The database file (created if missing); default `tynenc.sqlite` in the working directory. */
  readonly path?: string;
  /** Whose invocations these are: apps sharing one file never see each other's. Default "tynenc". */
  readonly appId?: string;
  /** Told when a grouped commit failed (its changes are lost); the app passes its logger's `error`. */
  readonly onError?: (message: string, error: unknown) => void;
}

/**
 * One SQLite file shared by every process of one host (better-sqlite3 12.x). Answers synchronously,
 * so everything that decides at the call works as on memory. Throws BackendError when the file cannot
 * be used (missing directory, not a SQLite file, another program's database, a newer schema).
 */
export function sqliteBackend(options: SqliteBackendOptions = {}): Backend {
  const app = options.appId ?? "tynenc";
  const conn = new SqliteConnection(options.path ?? "tynenc.sqlite");
  conn.onCommitError = (error) =>
    options.onError?.(`SQLite commit to ${conn.path} failed; the changes of that moment are lost`, error);
  const notifier = new SqliteNotifier(conn, app);
  const broker = new SqliteBroker(conn, app, () => notifier.publishWork());
  return {
    name: "sqlite",
    sharedAcrossProcesses: true,
    broker,
    orchestratorStore: new SqliteOrchestratorStore(conn, app),
    stateBackend: new SqliteStateBackend(conn, app),
    notifier,
    dataStore: new SqliteDataStore(conn, app),
    triggerStore: new SqliteTriggerStore(conn, app),
    flush: () => conn.commit(),
    close: async () => {
      broker.dispose();
      await notifier.close();
      conn.close();
    },
  };
}
