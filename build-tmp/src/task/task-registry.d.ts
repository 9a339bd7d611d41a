import type { AnyTask, TaskFunction, TaskOptions } from "./task.js";
/** Task ids of one app: unique, validated, and looked up when a runner picks an invocation. */
export declare class TaskRegistry {
    private readonly appId;
    private readonly tasks;
    constructor(appId: () => string);
    /** Resolve `app.task(...)`'s overloads to an id, a function and options, rejecting bad input. */
    resolve(nameOrFn: string | TaskFunction, fnOrOptions?: TaskFunction | TaskOptions, maybeOptions?: TaskOptions): {
        id: string;
        fn: TaskFunction;
        options: TaskOptions;
    };
    add(task: AnyTask): void;
    get(id: string): AnyTask;
    has(id: string): boolean;
    ids(): string[];
}
