/**
 * Returns `promise` itself with a no-op rejection handler attached, so that a rejection nobody
 * observes is not an "unhandled rejection" that ends the thread. For what execute() returns: in plan
 * and task mode it always rejects, and a main may forget to await it (the job loader reports that).
 */
export function markHandled<T>(promise: Promise<T>): Promise<T> {
  // Not swallowed: the caller gets `promise` itself, and whoever awaits it sees the rejection; the job
  // loader reports a main that never does (an execute() that was not awaited).
  promise.catch(() => undefined);
  return promise;
}
