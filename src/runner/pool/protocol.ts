/**
 * The messages between a pool runner (MultiThreadRunner, PersistentProcessRunner, ProcessRunner) and
 * its workers: worker_threads or child processes running worker-main.ts. Plain objects, so they cross
 * both a MessagePort and an IPC channel.
 */
import type { RunnerCls } from "../runner.js";

/** What a worker is started with. */
export interface WorkerInit {
  /** Absolute path of the module that exports the app. */
  readonly module: string;
  /** The worker's own runner id: it beats, claims and appears in histories under it. */
  readonly runnerId: string;
  /** The pool's class, shown in the registry. */
  readonly cls: RunnerCls;
  /** The parent's configuration values, assigned to the worker's app (flags and code of the parent win). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Task ids the parent's app has: each must exist in the worker's too. */
  readonly tasks: readonly string[];
  /** A ProcessRunner child: runs one invocation in slots its parent lends it, then exits. */
  readonly lent: boolean;
}

export type ToWorker =
  /** Stop the worker's runner with this grace period, then exit. */
  | { readonly t: "stop"; readonly graceMs: number }
  /** Cut the grace period of a stop short. */
  | { readonly t: "stopNow" }
  /** Answer with a pong, from the event loop (a stuck worker cannot). */
  | { readonly t: "ping" }
  /** ProcessRunner: one slot is lent; `claim` says it may claim a new invocation with it. */
  | { readonly t: "grant"; readonly claim: boolean };

export type FromWorker =
  /** Loaded the app, checked its task ids, and its runner runs. */
  | { readonly t: "ready"; readonly pid: number }
  /** Could not start (module, app, task ids): the message says why. */
  | { readonly t: "failed"; readonly message: string }
  /** Crashing on an uncaught exception (child processes; threads report through their error event). */
  | { readonly t: "fatal"; readonly message: string }
  | { readonly t: "timed"; readonly id: string; readonly taskId: string; readonly timeoutMs: number }
  | { readonly t: "untimed"; readonly id: string }
  | { readonly t: "pong" }
  /** ProcessRunner child: it claimed an invocation with the lent slot, or found nothing to claim. */
  | { readonly t: "claimed" }
  | { readonly t: "nothing" }
  /** ProcessRunner child: it gives the lent slot back (its invocation paused), or wants one (it resumed). */
  | { readonly t: "released" }
  | { readonly t: "want" }
  /** ProcessRunner child: its invocation is done and it exits now. */
  | { readonly t: "done" };
