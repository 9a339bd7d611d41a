import type { Notifier, Unsubscribe } from "../../orchestrator/notifier.js";
/** In-process events: a listener runs synchronously inside publish. */
export declare class MemoryNotifier implements Notifier {
    private readonly work;
    private readonly finals;
    onWork(listener: () => void): Unsubscribe;
    publishWork(): void;
    onFinal(id: string, listener: () => void): Unsubscribe;
    publishFinal(id: string): void;
    close(): Promise<void>;
}
