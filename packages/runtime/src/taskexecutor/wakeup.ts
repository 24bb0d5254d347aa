/**
 * What a task's mailbox loop waits on. Inputs, outputs and sources hand out one shared promise per
 * wait condition; racing those with Promise.race on every idle wait would add a reaction to each
 * still-pending promise every time (unbounded growth over a long-running job). Here each promise gets
 * at most one reaction for its lifetime, and signals (cancellation, timer work) call `wake()` directly.
 * A wake-up while nobody waits makes the next wait return at once; the loop re-checks its state.
 */
export class Wakeup {
  /** Promises subscribed to, and whether they have settled (a settled one may be handed out again). */
  private readonly subscribed = new WeakMap<Promise<unknown>, boolean>();
  private waiter?: () => void;
  private woken = false;
  readonly wake = (): void => {
    const w = this.waiter;
    this.waiter = undefined;
    if (w) w();
    else this.woken = true;
  };

  /** Resolves when one of `sources` settles or `wake()` is called. One waiter at a time. */
  wait(sources: readonly Promise<unknown>[]): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    for (const s of sources) {
      const settled = this.subscribed.get(s);
      if (settled === true) return Promise.resolve();
      if (settled === undefined) {
        this.subscribed.set(s, false);
        const onSettled = () => {
          this.subscribed.set(s, true);
          this.wake();
        };
        s.then(onSettled, onSettled);
      }
    }
    return new Promise<void>((resolve) => (this.waiter = resolve));
  }
}
