import { BackendError } from "../../errors/errors.js";
import type { InvocationRecord } from "../../invocation/invocation-record.js";
import type { NewStatus } from "../../orchestrator/orchestrator-store.js";
import type { RedisContext } from "./context.js";
import { queueKeys } from "./redis-broker.js";
import { recordValue } from "./redis-state-backend.js";
import type { StoreKeys } from "./redis-store-keys.js";
import { isMissing, runScript, scriptCommand } from "./scripts.js";

const REGISTER = "store-register-3";

/**
 * Who the registration script publishes new work for, as the notifier would (RedisNotifier): its
 * channel and sender, and `workPublished(announce)`, which runs `announce` (whose publishWork wakes the
 * runners here) without a PUBLISH of its own.
 */
export interface WorkFromScript {
  readonly workChannel: string;
  readonly sender: string;
  workPublished(announce: () => void): void;
}

/**
 * Invocations per script call. Each call holds Redis for its whole batch, and a runner in another
 * process can claim the first ones while the next call is on its way; Lua's `unpack` also caps one
 * RPUSH at about 8,000 ids.
 */
export const REGISTER_CHUNK = 1000;

/**
 * `Backend.registerAndRoute` on Redis: status, record and route of each invocation in one run of
 * store-register-3.lua per chunk of the batch. The first chunk goes alone (it loads the script if this
 * Redis does not know it); the rest are all sent at once, in order, on the one command connection, so
 * Redis runs them in that order (the queue stays FIFO) and each is announced as soon as its answer is in.
 * Each call also publishes the work message (`work`), so the announcement sends none.
 */
export class RedisRegistration {
  private readonly keys: readonly string[];

  constructor(
    private readonly context: RedisContext,
    private readonly storeKeys: StoreKeys,
    private readonly work?: WorkFromScript,
  ) {
    this.keys = [storeKeys.seq, storeKeys.ready, queueKeys(context)[0]];
  }

  async registerAndRoute(
    items: readonly NewStatus[],
    records: readonly InvocationRecord[],
    runnerId: string | null,
    at: number,
    stored: (from: number, to: number) => void,
  ): Promise<void> {
    const head = [this.storeKeys.base, this.context.prefix, runnerId ?? "", at];
    head.push(this.work?.workChannel ?? "", this.work?.sender ?? "");
    const announce = (from: number, to: number) =>
      this.work ? this.work.workPublished(() => stored(from, to)) : stored(from, to);
    const argsOf = (from: number, to: number) => {
      const args: (string | number)[] = [...head];
      for (let i = from; i < to; i++) {
        const item = items[i]!;
        const record = records[i]!;
        if (item.registrationKey !== undefined || item.cacheKey !== undefined || item.id !== record.id) {
          throw new BackendError(
            `registerAndRoute takes invocations without registration or cache keys, item by item with their records (invocation ${item.id})`,
          );
        }
        args.push(item.id, item.taskId, item.runningKey ?? "", record.parentId ?? "", recordValue(record));
      }
      return args;
    };
    const client = this.context.client;
    const total = items.length;
    const first = Math.min(REGISTER_CHUNK, total);
    await runScript(client, REGISTER, this.keys, argsOf(0, first));
    announce(0, first);
    if (first === total) return;
    // Sent before any answer is read; each settles to its error, so none is left unhandled.
    const [command, called] = scriptCommand(client, REGISTER);
    const sent: { from: number; to: number; answer: Promise<unknown> }[] = [];
    for (let from = first; from < total; from += REGISTER_CHUNK) {
      const to = Math.min(from + REGISTER_CHUNK, total);
      const answer = client.call(command, [called, this.keys.length, ...this.keys, ...argsOf(from, to)]);
      sent.push({
        from,
        to,
        answer: answer.then(
          () => undefined,
          (error: unknown) => error,
        ),
      });
    }
    let failure: Error | undefined;
    for (const { from, to, answer } of sent) {
      let error = await answer;
      if (isMissing(error)) {
        // Redis forgot the script meanwhile (a restart, FUNCTION FLUSH, SCRIPT FLUSH): sent again once loaded, in order.
        error = await runScript(client, REGISTER, this.keys, argsOf(from, to)).then(
          () => undefined,
          (e: unknown) => e,
        );
      }
      if (error !== undefined)
        failure ??=
          error instanceof Error ? error : new BackendError(`Registration failed: ${JSON.stringify(error)}`);
      else announce(from, to);
    }
    if (failure !== undefined) throw failure;
  }
}
