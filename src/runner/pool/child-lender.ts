/**
 * The slots of a ProcessRunner child come from its parent, one at a time: the parent lends the child a
 * slot to claim its one invocation, the child gives it back when the invocation pauses, asks again when
 * it resumes, and exits when it is done. The parent hands resumed children the next free slot first.
 */
import type { RunnerState, SlotLender } from "../thread-runner.js";
import type { FromWorker } from "./protocol.js";

export class ChildLender implements SlotLender {
  readonly initialSlots = 0;
  private state: RunnerState | undefined;
  private kick: (() => void) | undefined;
  /** The lent slot may claim the child's one invocation (not yet tried). */
  private mayClaim = false;
  /** A claim pass found nothing: the slot goes back with "nothing". */
  private foundNothing = false;
  private claimedOne = false;
  /** "want" is sent and not answered yet. */
  private wanting = false;
  /**
   * A lent slot went back unused while a resumed execution waited (its running key is held): ask again
   * only after the next event (the next pass), never in a loop with the parent.
   */
  private stalled = false;
  private done = false;

  constructor(
    private readonly post: (message: FromWorker) => void,
    /** The invocation is done: the child stops and exits. */
    private readonly onDone: () => void,
  ) {}

  attach(state: RunnerState, kick: () => void): void {
    this.state = state;
    this.kick = kick;
  }

  /** The parent lends a slot. */
  grant(claim: boolean): void {
    const state = this.state;
    if (!state || this.done) {
      this.post({ t: claim ? "nothing" : "released" }); // not running (any more): give it straight back
      return;
    }
    state.slots = 1;
    this.wanting = false;
    this.mayClaim = claim && !this.claimedOne;
    this.kick?.();
  }

  claimable(free: number): number {
    return this.mayClaim ? Math.min(free, 1) : 0;
  }

  claimed(_asked: number, got: number): void {
    this.mayClaim = false;
    if (got > 0) {
      this.claimedOne = true;
      this.post({ t: "claimed" });
    } else this.foundNothing = true;
  }

  passed(state: RunnerState): void {
    if (this.done) return;
    if (state.slots > 0 && state.occupied === 0) {
      state.slots = 0; // the lent slot is unused: back to the parent
      if (this.mayClaim || this.foundNothing) {
        this.mayClaim = this.foundNothing = false;
        this.post({ t: "nothing" });
      } else {
        this.post({ t: "released" });
        if (state.resumed.length > 0) {
          this.stalled = true;
          return;
        }
      }
    }
    if (this.claimedOne && state.inFlight === 0 && state.resumed.length === 0) {
      this.done = true;
      this.onDone();
      return;
    }
    if (this.stalled) this.stalled = false;
    if (state.slots === 0 && state.resumed.length > 0 && !this.wanting) {
      this.wanting = true;
      this.post({ t: "want" });
    }
  }
}
