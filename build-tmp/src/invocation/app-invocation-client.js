import { InvocationNotFoundError, NoRunnerError } from "../errors/errors.js";
import { ResultPromise } from "./result-promise.js";
export class AppInvocationClient {
    host;
    constructor(host) {
        this.host = host;
    }
    async status(invocation) {
        await this.ensureRegistered(invocation.id);
        const record = await this.host.orchestrator.status(invocation.id);
        if (!record)
            throw notFound(invocation.id);
        return record.status;
    }
    async history(invocation) {
        await this.ensureRegistered(invocation.id);
        return this.host.orchestrator.history(invocation.id);
    }
    result(invocation) {
        return ResultPromise.of(invocation.id, this.settle(invocation.id), () => this.host.onOutsideAwait(invocation));
    }
    async settle(id) {
        const reason = this.host.cannotRunReason();
        if (reason)
            throw new NoRunnerError(reason);
        if (!this.host.registrar.idle)
            await this.host.registrar.settled();
        const failure = this.host.registrar.failureOf(id);
        if (failure !== undefined)
            throw failure;
        await new Promise((resolve) => this.host.orchestrator.whenAllFinal([id], resolve));
        return this.host.decodeOutcome(id);
    }
    async ensureRegistered(id) {
        await this.host.registrar.settled();
        const failure = this.host.registrar.failureOf(id);
        if (failure !== undefined)
            throw failure;
    }
}
function notFound(id) {
    return new InvocationNotFoundError(`No invocation with id ${id} is known to this app's backend`);
}
//# sourceMappingURL=app-invocation-client.js.map