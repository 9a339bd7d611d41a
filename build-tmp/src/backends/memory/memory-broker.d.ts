import type { Broker } from "../../broker/broker.js";
/** An array used as a deque: popping advances a head index, compacted now and then. */
export declare class MemoryBroker implements Broker {
    private queue;
    private head;
    route(ids: readonly string[]): void;
    retrieve(max: number): string[];
    count(): number;
    purge(): void;
}
