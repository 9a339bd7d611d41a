export type Unsubscribe = () => void;

/**
 * Wakes runners and waiters without polling where the backend allows it: in process events (memory),
 * pub/sub or blocking reads (Redis), short bounded polling (SQLite across processes).
 */
export interface Notifier {
  /**
   * True when every listener of this process runs synchronously inside `publish*` (memory). Otherwise
   * the orchestrator also tells waiters in this process directly when an invocation finishes here, so
   * a waiter is woken (and takes the freed slot first) before the notification makes its round trip.
   */
  readonly inProcess?: boolean;
  /** New runnable work may exist (routed, rerouted, retried). */
  onWork(listener: () => void): Unsubscribe;
  /**
   * Optional: settles once this process's subscriptions are in effect at the server (pub/sub), so that
   * what other processes publish from then on reaches its listeners. A runner awaits it before its first
   * claim, which then finds whatever was published earlier.
   */
  subscribed?(): Promise<void>;
  publishWork(): void;
  /** The invocation reached a final status. */
  onFinal(id: string, listener: () => void): Unsubscribe;
  publishFinal(id: string): void;
  /** Cancellation of an invocation owned by some runner was asked for: its owner carries it out. */
  onCancel(listener: (id: string) => void): Unsubscribe;
  publishCancel(id: string): void;
  close(): Promise<void>;
}
