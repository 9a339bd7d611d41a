/**
 * The wait graph with a maintained "ready" set: invocations somebody waits for that wait for nothing
 * themselves. A Set keeps insertion order, so the oldest waited-on invocation comes first.
 */
export declare class MemoryWaitGraph {
    private readonly out;
    private readonly into;
    private readonly readySet;
    add(waiter: string, waited: readonly string[]): void;
    removeFrom(waiter: string): void;
    removeTo(waited: string): void;
    waitingFor(ids: readonly string[]): Map<string, string[]>;
    waitersOf(ids: readonly string[]): Map<string, string[]>;
    ready(): Iterable<string>;
    clear(): void;
    private unlink;
}
