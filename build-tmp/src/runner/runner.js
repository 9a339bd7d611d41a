/** The runner classes a config can name; only some exist on every backend. */
export const RunnerCls = {
    ThreadRunner: "ThreadRunner",
    MultiThreadRunner: "MultiThreadRunner",
    ProcessRunner: "ProcessRunner",
    PersistentProcessRunner: "PersistentProcessRunner",
    DummyRunner: "DummyRunner",
};
//# sourceMappingURL=runner.js.map