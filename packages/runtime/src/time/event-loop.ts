/**
 * Runs `fn` on the event loop's next turn, after the I/O callbacks already due (setImmediate): how a
 * mailbox task hands the thread to the network and the slot's other tasks between slices, and how a
 * slot batches its print output. It reads no clock and arms no timer, so a ManualClock test drains it
 * with `settle()` and a replay sees the same order; it lives here, beside the Scheduler, because it is
 * the one other way runtime code may defer work (DESIGN.md §9).
 */
export function onNextTurn(fn: () => void): void {
  setImmediate(fn);
}

/** Resolves on the event loop's next turn (see onNextTurn). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
