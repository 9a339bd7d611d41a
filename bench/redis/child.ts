/**
 * A worker process of the Redis bench, seen from the bench process: forked with an IPC channel, read one
 * message at a time, stopped (and killed if it does not stop) by whoever started it. The child exits by
 * itself when the channel closes, so a bench process that dies leaves no worker behind.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Messages every bench worker sends; `failed` rejects whoever waits for a message. */
export type ChildMessage =
  | { readonly type: "ready" }
  | { readonly type: "reached"; readonly completed: number }
  | { readonly type: "failed"; readonly message: string };

const STOP_GRACE_MS = 5_000;

/**
 * In a worker process: counts the jobs it completed and says `reached` (through `tell`) once the count
 * reaches what the bench process's last `expect` named.
 */
export class Completions {
  private completed = 0;
  private target = Number.POSITIVE_INFINITY;

  constructor(private readonly tell: (message: ChildMessage) => void) {}

  add(): void {
    this.completed++;
    this.check();
  }

  expect(total: number): void {
    this.target = total;
    this.check();
  }

  private check(): void {
    if (this.completed < this.target) return;
    this.target = Number.POSITIVE_INFINITY;
    this.tell({ type: "reached", completed: this.completed });
  }
}

/** Every child started and not yet exited, for a bench interrupted by a signal. */
const live = new Set<BenchChild>();

export class BenchChild {
  private readonly inbox: ChildMessage[] = [];
  private readonly waiters: ((message: ChildMessage | Error) => void)[] = [];
  private readonly exited: Promise<void>;
  private gone: Error | undefined;

  private constructor(
    private readonly process: ChildProcess,
    private readonly label: string,
  ) {
    process.on("message", (message) => this.deliver(message as ChildMessage));
    this.exited = new Promise((resolve) => {
      process.once("exit", (code, signal) => {
        this.gone = new Error(`${label} exited (code ${code}, signal ${signal})`);
        live.delete(this);
        for (const waiter of this.waiters.splice(0)) waiter(this.gone);
        resolve();
      });
    });
  }

  /** Forks `script` (a compiled module beside this one) with `config` as its one argument. */
  static start(script: URL, config: unknown, label: string): BenchChild {
    const child = fork(fileURLToPath(script), [JSON.stringify(config)], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      execArgv: process.env["TYNENC_BENCH_CHILD_FLAGS"]?.split(" ").filter(Boolean) ?? [],
    });
    const started = new BenchChild(child, label);
    live.add(started);
    return started;
  }

  /** Stops every child still running, so nothing writes to Redis after the bench cleans up. */
  static async stopAll(): Promise<void> {
    await Promise.all([...live].map((child) => child.stop()));
  }

  send(message: unknown): void {
    if (this.gone) throw this.gone;
    this.process.send(message as object);
  }

  /** The next message, which must be of `type`; a `failed` message, an exit or the timeout throws. */
  async next<T extends ChildMessage["type"]>(
    type: T,
    timeoutMs: number,
  ): Promise<Extract<ChildMessage, { type: T }>> {
    const message = await this.receive(timeoutMs);
    if (message.type === "failed") throw new Error(`${this.label}: ${message.message}`);
    if (message.type !== type)
      throw new Error(`${this.label} sent "${message.type}" where "${type}" was due`);
    return message as Extract<ChildMessage, { type: T }>;
  }

  /** The next message, whatever its type; a `failed` message, an exit or the timeout throws. */
  async nextMessage(timeoutMs: number): Promise<Exclude<ChildMessage, { type: "failed" }>> {
    const message = await this.receive(timeoutMs);
    if (message.type === "failed") throw new Error(`${this.label}: ${message.message}`);
    return message;
  }

  /** Asks the child to stop, waits up to STOP_GRACE_MS for its exit, then kills it. */
  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null && this.process.connected) {
      this.process.send({ type: "stop" });
    }
    const timer = setTimeout(() => this.process.kill("SIGKILL"), STOP_GRACE_MS);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private deliver(message: ChildMessage): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(message);
    else this.inbox.push(message);
  }

  private receive(timeoutMs: number): Promise<ChildMessage> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    if (this.gone) return Promise.reject(this.gone);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(settle), 1);
        reject(new Error(`${this.label} sent nothing within ${timeoutMs} ms`));
      }, timeoutMs);
      const settle = (message: ChildMessage | Error) => {
        clearTimeout(timer);
        if (message instanceof Error) reject(message);
        else resolve(message);
      };
      this.waiters.push(settle);
    });
  }
}
