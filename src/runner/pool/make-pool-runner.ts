import type { Tynenc } from "../../app.js";
import { ConfigSource } from "../../config/index.js";
import { RunnerError } from "../../errors/errors.js";
import type { TaskRegistry } from "../../task/task-registry.js";
import type { Runner } from "../runner.js";
import type { PoolHost } from "./pool-host.js";
import { MultiThreadRunner, PersistentProcessRunner } from "./pool-runners.js";
import { ProcessRunner } from "./process-runner.js";

/** The pool runner of class `cls` for `app` (whose backend is shared across processes). */
export function makePoolRunner(cls: string, app: Tynenc, tasks: TaskRegistry): Runner {
  const host: PoolHost = {
    appId: app.appId,
    logger: app.logger,
    get backend() {
      return app.backend;
    },
    get orchestrator() {
      return app.orchestrator;
    },
    events: app.events,
    taskIds: () => tasks.ids(),
    configValues: () =>
      Object.fromEntries(
        app.conf
          .describe()
          .filter((row) => row.source !== ConfigSource.default)
          .map((row) => [row.field, row.value]),
      ),
    maxParallelSlots: () => app.conf.maxParallelSlots,
    workers: () => app.conf.workers,
    workerMaxOldSpaceMb: () => app.conf.workerMaxOldSpaceMb,
    stopGraceMs: () => app.conf.stopGraceMs,
    timeoutMs: (taskId) => app.timeoutMs(taskId),
    retryDecision: (taskId, error, failed) => app.retryDecision(taskId, error, failed),
    outcomeOf: (taskId, result) => app.outcomeOf(taskId, result),
  };
  if (cls === "MultiThreadRunner") return new MultiThreadRunner(host);
  if (cls === "PersistentProcessRunner") return new PersistentProcessRunner(host);
  if (cls === "ProcessRunner") return new ProcessRunner(host);
  throw new RunnerError(
    `runnerCls "${cls}" is not a runner of tynenc; use ThreadRunner, MultiThreadRunner, ProcessRunner, PersistentProcessRunner or DummyRunner`,
  );
}
