import { type Runner } from "./runner.js";
/** Runs nothing: the runner of a pure client that only registers invocations and reads results. */
export declare class DummyRunner implements Runner {
    readonly id: `${string}-${string}-${string}-${string}-${string}`;
    readonly cls: "DummyRunner";
    readonly running = false;
    run(): Promise<void>;
    stop(): Promise<void>;
    [Symbol.asyncDispose](): Promise<void>;
}
