import type { Logger } from "../logging/index.js";

/**
 * Keeps the process alive while a runner runs: an idle runner waits on events only, and without a
 * handle Node would exit at once under `await app.runner.run()`. A message port that never receives
 * a message holds the event loop without ever waking the CPU (a timer would, and would show as one).
 * Returns the release.
 */
export function keepProcessAlive(): () => void {
  const { port1 } = new MessageChannel();
  port1.on("message", () => {});
  return () => port1.close();
}

/** The signals `run({ handleSignals: true })` answers, with the exit code a second one ends with. */
const SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;
type HandledSignal = keyof typeof SIGNALS;

export interface SignalActions {
  /** First signal: stop gracefully (drain within stopGraceMs). */
  stop(): Promise<void>;
  /** Second signal: end the grace period now (kill and reroute what still runs). */
  stopNow(): void;
}

/**
 * First SIGINT/SIGTERM: a graceful stop. Second: the stop is cut short, and once it is done the
 * process exits with 128 + the signal number, as an unhandled signal would. Returns the release.
 */
export function handleStopSignals(logger: Logger, actions: SignalActions): () => void {
  let received = 0;
  const onSignal = (signal: HandledSignal) => {
    received++;
    if (received === 1) {
      logger.info(`${signal} received: stopping gracefully; send it again to stop at once`);
      void actions.stop();
      return;
    }
    logger.warn(`${signal} received again: stopping at once, rerouting what still runs`);
    actions.stopNow();
    // Exit a turn later: a store that groups a turn's writes into one commit at setImmediate (SQLite)
    // would otherwise lose the kills and reroutes the stop just recorded.
    void actions.stop().finally(() => setImmediate(() => process.exit(SIGNALS[signal])));
  };
  const names = Object.keys(SIGNALS) as HandledSignal[];
  for (const name of names) process.on(name, onSignal);
  return () => {
    for (const name of names) process.off(name, onSignal);
  };
}
