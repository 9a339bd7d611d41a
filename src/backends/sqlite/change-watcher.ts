import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";

/** Fallback poll periods (ms): from FASTEST after a change, doubling while nothing changes. */
const FASTEST_MS = 5;
const SLOWEST_WITH_WATCH_MS = 500;
const SLOWEST_WITHOUT_WATCH_MS = 50;

/**
 * Calls `check` soon after another process may have written to the database file, without spinning:
 * an inotify watch (`fs.watch`) on the file's directory reports writes to the database and its WAL at
 * once, and a timer that backs off from a few milliseconds to half a second catches anything the
 * watch misses (on file systems without watches it backs off only to 50 ms). `check` is cheap when
 * nothing changed (see SqliteNotifier) and returns whether something did.
 */
export class ChangeWatcher {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private delay = FASTEST_MS;
  private slowest = SLOWEST_WITH_WATCH_MS;
  private soonScheduled = false;
  private active = false;
  private keepAlive = false;

  constructor(
    private readonly path: string,
    private readonly check: () => boolean,
  ) {}

  start(): void {
    if (this.active) return;
    this.active = true;
    this.delay = FASTEST_MS;
    const file = basename(this.path);
    try {
      this.watcher = watch(dirname(this.path), { persistent: false }, (_event, name) => {
        if (name === null || name.startsWith(file)) this.soon();
      });
      this.watcher.on("error", () => this.unwatch());
    } catch {
      this.unwatch();
    }
    this.arm();
  }

  stop(): void {
    this.active = false;
    this.watcher?.close();
    this.watcher = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Whether the fallback timer keeps the process alive (somebody in it awaits a result). */
  setKeepAlive(keepAlive: boolean): void {
    this.keepAlive = keepAlive;
    if (keepAlive) this.timer?.ref();
    else this.timer?.unref();
  }

  /** Check at the end of this turn (coalesced). */
  soon(): void {
    if (this.soonScheduled || !this.active) return;
    this.soonScheduled = true;
    setImmediate(() => {
      this.soonScheduled = false;
      this.run(true);
    });
  }

  private unwatch(): void {
    this.watcher?.close();
    this.watcher = undefined;
    this.slowest = SLOWEST_WITHOUT_WATCH_MS;
  }

  /**
   * A file event that finds nothing committed yet does not back off: the writer may have written its
   * WAL frames but not yet published the commit (in the shared-memory index, which raises no event),
   * so look again soon. Without this, own writes (which raise events but never change data_version)
   * pushed the period to its slowest, and such a commit was seen up to half a second late.
   */
  private run(fromEvent = false): void {
    if (!this.active) return;
    const changed = this.check();
    this.delay = changed || fromEvent ? FASTEST_MS : Math.min(this.delay * 2, this.slowest);
    this.arm();
  }

  private arm(): void {
    clearTimeout(this.timer);
    if (!this.active) return;
    this.timer = setTimeout(() => this.run(), this.delay);
    if (!this.keepAlive) this.timer.unref();
  }
}
