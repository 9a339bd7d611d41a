/**
 * `tynenc runner start --app <module> [--runner <name>] [--<setting> <value>]...`: runs a runner of the
 * app until SIGINT/SIGTERM. The first signal stops gracefully (running invocations get stopGraceMs to
 * finish) and the command exits 0; a second one stops at once, rerouting what still runs.
 */
import { resolve } from "node:path";
import { Option } from "commander";
import type { Tynenc } from "../app.js";
import { RunnerCls } from "../runner/runner.js";
import { addAppOptions, backendLabel, openApp, type AppOptions } from "./app-command.js";
import { CliError, CliUsageError, type CliIo } from "./cli-io.js";
import { flagOf } from "./config-flags.js";
import { TynencCommand } from "./tynenc-command.js";

interface StartOptions extends AppOptions {
  readonly runner?: string;
}

/** `--runner` is `--runner-cls` by a shorter name; both at once must agree. */
function runnerClass(options: StartOptions): Partial<StartOptions> {
  const { runner, runnerCls } = options;
  if (runner === undefined) return {};
  if (runnerCls !== undefined && runnerCls !== runner) {
    throw new CliUsageError(
      `--runner ${runner} and ${flagOf("runnerCls")} ${runnerCls as string} disagree; give one of them`,
    );
  }
  return { runnerCls: runner };
}

/** Refuses what cannot serve other processes, before a runner is built. */
function checkCanServe(app: Tynenc): void {
  if (app.conf.runnerCls === "DummyRunner") {
    throw new CliError(
      `runnerCls "DummyRunner" runs nothing; start the runner with --runner ThreadRunner (or set TYNENC__RUNNER_CLS)`,
    );
  }
  const backend = app.backend;
  if (!backend.sharedAcrossProcesses) {
    throw new CliError(
      `the app's backend is "${backend.name}", which lives inside one process: a runner started here could not run the invocations other processes register, nor they read its results. Use a backend shared across processes: --backend sqlite (with --sqlite-path <file>) or --backend redis (with --redis-url <url>), or set TYNENC__BACKEND`,
    );
  }
}

/** How often a runner started by `npx` checks that npm's process is still there. */
const LAUNCHER_CHECK_MS = 1000;

/**
 * Under `npx` (npm exec), signals sent to npm's process do not reach this one: a process manager that
 * stops `npx tynenc runner start` with SIGTERM would leave the runner running, reparented. So when npm
 * launched it, the runner follows npm's process: once it is gone, the runner stops as on SIGTERM.
 * Returns the release.
 */
function followLauncher(io: CliIo, app: Tynenc, stop: () => Promise<void>): () => void {
  if (io.env["npm_command"] !== "exec") return () => {};
  const launcher = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === launcher) return;
    clearInterval(timer);
    app.logger.warn(
      `The npx (npm exec) process ${launcher} that started this runner is gone, and npm does not pass signals on: stopping gracefully as on SIGTERM. Under a process manager, start the runner with node_modules/.bin/tynenc (or exec) so signals reach it`,
    );
    void stop();
  }, LAUNCHER_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

async function start(options: StartOptions, io: CliIo): Promise<void> {
  const app = await openApp({ ...options, ...runnerClass(options) }, io);
  try {
    checkCanServe(app);
    const runner = app.runner; // throws RunnerError for a runner class this version does not have
    app.logger.info(
      `runner start: ${runner.cls} ${runner.id} of app ${app.appId} on ${backendLabel(app)}; SIGINT/SIGTERM stops it`,
    );
    const unfollow = followLauncher(io, app, () => runner.stop());
    try {
      // Pool runners' workers load the app from the same module.
      await runner.run({ handleSignals: true, module: resolve(io.cwd, options.app) });
    } finally {
      unfollow();
    }
    app.logger.info(`${runner.cls} ${runner.id} stopped`);
  } finally {
    await app.close();
  }
}

export function runnerStartCommand(io: CliIo): TynencCommand {
  const command = new TynencCommand("start")
    .summary("run a runner of the app until SIGINT/SIGTERM")
    .description(
      "Run a runner of the app the module exports, on a backend shared across processes (sqlite, redis), until SIGINT or SIGTERM. The first signal stops gracefully: running invocations get stopGraceMs to finish, then the rest are rerouted to the queue, and the command exits 0. A second signal stops at once.",
    )
    .usage("--app <module> [--runner <name>] [options]")
    .addOption(
      new Option("--runner <name>", "runner class (same as --runner-cls)").choices(Object.values(RunnerCls)),
    );
  addAppOptions(command);
  return command.action((options: StartOptions) => start(options, io));
}
