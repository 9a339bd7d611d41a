import { randomUUID } from "node:crypto";
import { RunnerError } from "../errors/errors.js";
import { RunnerCls } from "./runner.js";
/** Runs nothing: the runner of a pure client that only registers invocations and reads results. */
export class DummyRunner {
    id = randomUUID();
    cls = RunnerCls.DummyRunner;
    running = false;
    async run() {
        throw new RunnerError('DummyRunner runs no invocations: it is for clients that only register and read results. Set runnerCls to "ThreadRunner" (or start a runner in another process with a shared backend) to execute tasks');
    }
    async stop() { }
    async [Symbol.asyncDispose]() { }
}
//# sourceMappingURL=dummy-runner.js.map