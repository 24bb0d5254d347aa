/**
 * Time comes from this injected service in core code (DESIGN.md §9), never from `Date.now`
 * directly, so tests can drive time by hand. The runtime has the implementations (SystemClock,
 * ManualClock) and the Scheduler for timers.
 */
export interface Clock {
  /** Wall-clock epoch milliseconds. */
  currentTimeMillis(): number;
  /** Monotonic milliseconds for measuring durations. */
  relativeTimeMillis(): number;
}
export const Clock = Symbol.for('flott.Clock');
