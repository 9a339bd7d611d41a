import { RunnerError } from "../errors/errors.js";
import { RunnerCls, type Runner } from "./runner.js";
import { newId } from "../util/ids.js";

/** Runs nothing: the runner of a pure client that only registers invocations and reads results. */
export class DummyRunner implements Runner {
  readonly id = newId();
  readonly cls = RunnerCls.DummyRunner;
  readonly running = false;

  async run(): Promise<void> {
    throw new RunnerError(
      'DummyRunner runs no invocations: it is for clients that only register and read results. Set runnerCls to "ThreadRunner" (or start a runner in another process with a shared backend) to execute tasks',
    );
  }

  async stop(): Promise<void> {}

  async [Symbol.asyncDispose](): Promise<void> {}
}
