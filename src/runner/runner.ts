/** The runner classes a config can name; only some exist on every backend. */
export const RunnerCls = {
  ThreadRunner: "ThreadRunner",
  MultiThreadRunner: "MultiThreadRunner",
  ProcessRunner: "ProcessRunner",
  PersistentProcessRunner: "PersistentProcessRunner",
  DummyRunner: "DummyRunner",
} as const;
export type RunnerCls = (typeof RunnerCls)[keyof typeof RunnerCls];

export interface RunOptions {
  /**
   * Stop gracefully on the first SIGINT or SIGTERM, and at once on the second (the process then exits
   * with 130 / 143). The handlers are removed when the runner stops.
   */
  readonly handleSignals?: boolean;
  /**
   * The module that exports the app (`import.meta.url`, or a path): the workers of MultiThreadRunner,
   * PersistentProcessRunner and ProcessRunner load the app from it. A ThreadRunner ignores it.
   */
  readonly module?: string | URL;
}

/** A loop that claims runnable invocations and executes them in slots. */
export interface Runner extends AsyncDisposable {
  readonly id: string;
  readonly cls: RunnerCls;
  /** True between `run()` and the end of `stop()`. */
  readonly running: boolean;
  /**
   * Starts the loop; resolves when it has stopped. While it runs it keeps the process alive (with a
   * handle that never wakes the CPU), so a worker script can be just `await app.runner.run()`.
   */
  run(options?: RunOptions): Promise<void>;
  /** Stops claiming, lets running invocations finish within the grace period, kills and reroutes the rest. */
  stop(): Promise<void>;
}
