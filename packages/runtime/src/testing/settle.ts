import type { ManualClock } from '../time/clock';

/**
 * Resolves once every promise chain the test started has run as far as it can without time
 * passing: the microtask queue drains completely before a `setImmediate` callback runs. In-process
 * RPC calls and mailbox turns complete here; timers wait for the ManualClock.
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Settles until `condition` holds, at most `maxTurns` turns of the event loop (a bound, not a sleep:
 * for what real sockets deliver without any timer), and fails the test if it never does.
 */
export async function settleUntil(condition: () => boolean, maxTurns = 500): Promise<void> {
  for (let i = 0; i < maxTurns && !condition(); i++) await settle();
  if (!condition()) throw new Error(`Assertion failed: the condition did not hold within ${maxTurns} turns of the event loop`);
}

/**
 * Moves a ManualClock on by `ms` in steps of at most `stepMs`, settling after each step, so what the
 * timers due in a step started (an RPC and its answer: a heartbeat) completes before the next step's
 * timers fire, as it would in real time. `ms` 0 still settles once.
 */
export async function advanceSettling(clock: ManualClock, ms: number, stepMs = 1_000): Promise<void> {
  let left = ms;
  do {
    const step = Math.min(left, stepMs);
    clock.advance(step);
    left -= step;
    await settle();
  } while (left > 0);
}
