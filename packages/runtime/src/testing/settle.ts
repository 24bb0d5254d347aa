/**
 * Resolves once every promise chain the test started has run as far as it can without time
 * passing: the microtask queue drains completely before a `setImmediate` callback runs. In-process
 * RPC calls and mailbox turns complete here; timers wait for the ManualClock.
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
