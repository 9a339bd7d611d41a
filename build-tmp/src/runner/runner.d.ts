/** The runner classes a config can name; only some exist on every backend. */
export declare const RunnerCls: {
    readonly ThreadRunner: "ThreadRunner";
    readonly MultiThreadRunner: "MultiThreadRunner";
    readonly ProcessRunner: "ProcessRunner";
    readonly PersistentProcessRunner: "PersistentProcessRunner";
    readonly DummyRunner: "DummyRunner";
};
export type RunnerCls = (typeof RunnerCls)[keyof typeof RunnerCls];
/** A loop that claims runnable invocations and executes them in slots. */
export interface Runner extends AsyncDisposable {
    readonly id: string;
    readonly cls: RunnerCls;
    /** True between `run()` and the end of `stop()`. */
    readonly running: boolean;
    /** Starts the loop; resolves when it has stopped. */
    run(): Promise<void>;
    /** Stops claiming, lets running invocations finish within the grace period, kills and reroutes the rest. */
    stop(): Promise<void>;
}
