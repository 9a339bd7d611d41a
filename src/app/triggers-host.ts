import type { Backend } from "../backends/backend.js";
import type { AppConfig } from "../config/index.js";
import type { TynencEvents } from "../events.js";
import type { AppInvocationClient } from "../invocation/app-invocation-client.js";
import { Invocation } from "../invocation/invocation.js";
import type { Logger, SafeEmitter } from "../logging/index.js";
import type { JsonSerializer } from "../serializer/index.js";
import type { TaskRegistry } from "../task/task-registry.js";
import { AppTriggers } from "../triggers/app-triggers.js";
import type { CompileHost } from "../triggers/compile.js";
import type { Payloads } from "./payloads.js";
import type { TaskCalls } from "./task-calls.js";

/** The parts of the app its triggers use. */
export interface TriggersAppParts {
  readonly conf: AppConfig;
  readonly logger: Logger;
  readonly serializer: JsonSerializer;
  readonly events: SafeEmitter<TynencEvents>;
  readonly backend: () => Backend;
  readonly tasks: TaskRegistry;
  readonly client: AppInvocationClient;
  readonly payloads: () => Payloads;
  readonly calls: () => TaskCalls;
}

/** The app's triggers, wired to its backend, payloads and task calls. */
export function makeAppTriggers(app: TriggersAppParts): AppTriggers {
  return new AppTriggers({
    logger: app.logger,
    serializer: app.serializer,
    events: app.events,
    triggerStore: () => app.backend().triggerStore,
    argsOf: (serialized) => app.payloads().argsOf(serialized),
    handle: (record, args) =>
      new Invocation(record.id, app.tasks.get(record.taskId), args, record.parentId, app.client),
    callTriggered: (taskId, args, triggeredBy) =>
      app.calls().callTriggered(app.tasks.get(taskId), args, triggeredBy),
    readInvocation: (id) => app.backend().stateBackend.getInvocation(id),
    decodeOutcome: (id) => app.payloads().decodeOutcome(id),
    cronCatchUp: () => app.conf.cronCatchUp,
  });
}

/** How `compileTriggers` sees the app: which tasks are its own, how static arguments read. */
export function compileHost(tasks: TaskRegistry, serializer: JsonSerializer): CompileHost {
  return {
    ownTaskId: (task) => {
      const id = (task as { id?: unknown } | null)?.id;
      if (typeof task !== "function" || typeof id !== "string" || !tasks.has(id)) return undefined;
      return tasks.get(id) === task ? id : undefined;
    },
    argsText: (args) => serializer.serialize(args, "the static args of a trigger"),
    knowErrors: (classes) => {
      for (const cls of classes) {
        if (serializer.isRegistered(cls)) continue;
        try {
          serializer.registerClass(cls);
        } catch {
          // Another class holds its name: instances come back as that one or a plain Error.
        }
      }
    },
  };
}
