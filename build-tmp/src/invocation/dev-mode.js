import { randomUUID } from "node:crypto";
import { executionStorage } from "./context.js";
import { Invocation } from "./invocation.js";
import { InvocationStatus } from "./status.js";
const S = InvocationStatus;
const DEV_RUNNER = "dev-mode-inline";
/**
 * `devModeForceSyncTasks`: every call runs the task at once, inline in the caller, with no backend and
 * no runner: for unit tests. Arguments and results still go through the serializer, so a value that
 * would fail in production fails here too.
 */
export class DevModeClient {
    logger;
    roundTrip;
    states = new WeakMap();
    constructor(logger, roundTrip) {
        this.logger = logger;
        this.roundTrip = roundTrip;
    }
    call(task, args, run) {
        const parent = executionStorage.getStore()?.invocation ?? null;
        const copied = this.roundTrip(args, `arguments of task "${task.id}"`);
        const invocation = new Invocation(randomUUID(), task, args, parent, this);
        const history = [entry(S.REGISTERED), entry(S.PENDING), entry(S.RUNNING)];
        const scope = {
            invocation: invocation,
            runnerId: DEV_RUNNER,
            logger: this.logger.child({ runner: DEV_RUNNER, invocation: invocation.id, task: task.id }),
            waitOn: (_id, settled) => settled,
        };
        const state = { status: S.RUNNING, history, result: Promise.resolve() };
        state.result = executionStorage
            .run(scope, () => run(copied))
            .then((value) => this.roundTrip(value, `result of task "${task.id}"`))
            .then((value) => this.end(state, S.SUCCESS, value), (error) => this.end(state, S.FAILED, Promise.reject(error)));
        state.result.catch(() => { }); // read or not, a failure must not be an unhandled rejection
        this.states.set(invocation, state);
        return invocation;
    }
    async status(invocation) {
        return this.state(invocation).status;
    }
    async history(invocation) {
        return [...this.state(invocation).history];
    }
    result(invocation) {
        return this.state(invocation).result;
    }
    end(state, status, value) {
        state.status = status;
        state.history.push(entry(status));
        return value;
    }
    state(invocation) {
        return this.states.get(invocation);
    }
}
let seq = 0;
function entry(status) {
    return { status, runnerId: DEV_RUNNER, at: Date.now(), seq: ++seq };
}
//# sourceMappingURL=dev-mode.js.map