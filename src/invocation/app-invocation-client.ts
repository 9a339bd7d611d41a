import { InvocationNotFoundError, NoRunnerError } from "../errors/errors.js";
import type { Orchestrator } from "../orchestrator/orchestrator.js";
import type { Invocation, InvocationClient } from "./invocation.js";
import { isPromise, type Awaitable } from "../util/awaitable.js";
import type { Registrar } from "./registrar.js";
import { ResultPromise } from "./result-promise.js";
import { isFinal, type HistoryEntry, type InvocationStatus } from "./status.js";

/** How handles reach the backend of the app that made them. */
export interface ClientHost {
  readonly orchestrator: Orchestrator;
  readonly registrar: Registrar;
  decodeOutcome(id: string): Awaitable<unknown>;
  /** A reason the invocation can never run from here (checked once per result), or undefined. */
  cannotRunReason(): string | undefined;
  /** Called the first time a result is awaited outside any invocation. */
  onOutsideAwait(invocation: Invocation<unknown>): void;
}

export class AppInvocationClient implements InvocationClient {
  constructor(private readonly host: ClientHost) {}

  async status(invocation: Invocation<unknown>): Promise<InvocationStatus> {
    await this.ensureRegistered(invocation.id);
    const record = await this.host.orchestrator.status(invocation.id);
    if (!record) throw notFound(invocation.id);
    return record.status;
  }

  async history(invocation: Invocation<unknown>): Promise<HistoryEntry[]> {
    await this.ensureRegistered(invocation.id);
    return this.host.orchestrator.history(invocation.id);
  }

  result<R>(invocation: Invocation<R>): Promise<R> {
    return ResultPromise.of(invocation.id, this.settle<R>(invocation.id), () =>
      this.host.onOutsideAwait(invocation as Invocation<unknown>),
    );
  }

  private async settle<R>(id: string): Promise<R> {
    const reason = this.host.cannotRunReason();
    if (reason) throw new NoRunnerError(reason);
    if (!this.host.registrar.idle) await this.host.registrar.settled();
    const failure = this.host.registrar.failureOf(id);
    if (failure !== undefined) throw failure;
    const current = this.host.orchestrator.status(id);
    const record = isPromise(current) ? await current : current;
    if (!record || !isFinal(record.status)) {
      await new Promise<void>((resolve) => this.host.orchestrator.whenAllFinal([id], resolve));
    }
    return this.host.decodeOutcome(id) as R;
  }

  private async ensureRegistered(id: string): Promise<void> {
    await this.host.registrar.settled();
    const failure = this.host.registrar.failureOf(id);
    if (failure !== undefined) throw failure;
  }
}

function notFound(id: string): InvocationNotFoundError {
  return new InvocationNotFoundError(`No invocation with id ${id} is known to this app's backend`);
}
