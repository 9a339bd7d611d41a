import { Execution, type SuspendHost } from "./execution.js";
import { type Runner } from "./runner.js";
import type { RunnerHost } from "./runner-host.js";
/**
 * Runs invocations on this process's event loop, at most `maxParallelSlots` RUNNING at a time. A slot
 * is held from claim to finish, except while the invocation is PAUSED on others' results. Driven by
 * events only: new work, a freed slot, a resumed invocation; an idle runner has no timer at all.
 */
export declare class ThreadRunner implements Runner, SuspendHost {
    private readonly host;
    readonly id: `${string}-${string}-${string}-${string}-${string}`;
    readonly cls: "ThreadRunner";
    private readonly logger;
    private slots;
    private occupied;
    /** Paused executions whose dependencies are done, on their way to RESUMED: they come before new work. */
    private resuming;
    /** execute() calls not finished yet, including those still preparing (not yet in `executions`). */
    private inFlight;
    private readonly executions;
    private readonly resumed;
    private pumping;
    private pumpAgain;
    private pumpScheduled;
    private state;
    private unsubscribeWork;
    private stopped;
    private onIdle;
    constructor(host: RunnerHost);
    get running(): boolean;
    /** Invocations this runner owns right now: claimed, running, paused or waiting for a slot. */
    get activeCount(): number;
    run(): Promise<void>;
    stop(): Promise<void>;
    [Symbol.asyncDispose](): Promise<void>;
    /** Something changed: fill free slots soon. Coalesced: many kicks in one tick make one pass. */
    private kick;
    /** Fill free slots: resumed invocations first (oldest pause first), then what the orchestrator hands out. */
    private pump;
    private pumpFlow;
    private fillSlots;
    private grantSlot;
    /** Claimed while stopping: hand them straight back to the queue. */
    private release;
    private start;
    private execute;
    suspend(execution: Execution, ids: string[]): Promise<void>;
    /** Wait until nothing is in flight, or the grace period is over. */
    private drain;
    private killRemaining;
}
