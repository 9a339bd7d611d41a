export type Unsubscribe = () => void;

/**
 * Wakes runners and waiters without polling where the backend allows it: in process events (memory),
 * pub/sub or blocking reads (Redis), short bounded polling (SQLite across processes).
 */
export interface Notifier {
  /** New runnable work may exist (routed, rerouted, retried). */
  onWork(listener: () => void): Unsubscribe;
  publishWork(): void;
  /** The invocation reached a final status. */
  onFinal(id: string, listener: () => void): Unsubscribe;
  publishFinal(id: string): void;
  /** Cancellation of an invocation owned by some runner was asked for: its owner carries it out. */
  onCancel(listener: (id: string) => void): Unsubscribe;
  publishCancel(id: string): void;
  close(): Promise<void>;
}
