/**
 * `tynenc purge --app <module> [--yes]`: deletes every invocation of the app from its backend (queue,
 * statuses and histories, records and results, large values). Asks first on a terminal; elsewhere it
 * needs --yes, so a script never wipes an app by accident.
 */
import type { Tynenc } from "../app.js";
import { addAppOptions, backendLabel, openApp, warnIfProcessLocal, type AppOptions } from "./app-command.js";
import { CliUsageError, type CliIo } from "./cli-io.js";
import { TynencCommand } from "./tynenc-command.js";

interface PurgeOptions extends AppOptions {
  readonly yes?: boolean;
}

/** Every component that keeps something of the app (the notifier keeps nothing to delete). */
async function purgeBackend(app: Tynenc): Promise<void> {
  const { broker, orchestratorStore, stateBackend, dataStore, triggerStore } = app.backend;
  await broker.purge();
  await orchestratorStore.purge();
  await stateBackend.purge();
  await dataStore.purge();
  await triggerStore.purge(); // composite-trigger parts and cron ticks
}

async function describeTarget(app: Tynenc): Promise<{ what: string; caution: string }> {
  const store = app.backend.orchestratorStore;
  const counts = await store.countByStatus();
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const now = Date.now();
  const live = (await store.runners()).filter((r) => now - r.heartbeatAt <= app.conf.runnerDeadAfterMs);
  const caution = live.length
    ? `${live.length} runner(s) of this app are alive (${live.map((r) => `${r.hostname}:${r.pid}`).join(", ")}): what they run now is lost too. `
    : "";
  return {
    what: `all ${total} invocation(s) of app ${app.appId} from ${backendLabel(app)}`,
    caution,
  };
}

/** True when the user confirmed (or --yes); throws when nobody can be asked. */
async function confirmed(options: PurgeOptions, io: CliIo, what: string, caution: string): Promise<boolean> {
  if (options.yes) {
    if (caution) io.err(`warning: ${caution}\n`);
    return true;
  }
  if (!io.interactive || io.ask === undefined) {
    throw new CliUsageError(
      `purge would delete ${what}, and there is no terminal to confirm on: pass --yes to delete without asking`,
    );
  }
  const answer = await io.ask(`${caution}Delete ${what}? [y/N] `);
  return /^y(es)?$/i.test(answer.trim());
}

async function purge(options: PurgeOptions, io: CliIo): Promise<void> {
  const app = await openApp(options, io);
  try {
    warnIfProcessLocal(app, io);
    const { what, caution } = await describeTarget(app);
    if (!(await confirmed(options, io, what, caution))) {
      io.err("Nothing deleted.\n");
      return;
    }
    await purgeBackend(app);
    io.out(`Deleted ${what}.\n`);
  } finally {
    await app.close();
  }
}

export function purgeCommand(io: CliIo): TynencCommand {
  const command = new TynencCommand("purge")
    .summary("delete every invocation of the app from its backend")
    .description(
      "Delete every invocation of the app from its backend: queue, statuses and histories, arguments and results, large values. Other apps (appId) in the same backend are untouched. Asks for confirmation on a terminal; without one, --yes is required.",
    )
    .usage("--app <module> [--yes] [options]")
    .option("-y, --yes", "delete without asking");
  addAppOptions(command);
  return command.action((options: PurgeOptions) => purge(options, io));
}
