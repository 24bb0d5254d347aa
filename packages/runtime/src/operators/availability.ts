/**
 * A promise that resolves on the next `notify()` and is then replaced by a fresh one: what sources
 * hand out from `available()` and back-pressured sinks from `whenAvailable()`. Callers must check
 * their condition before waiting, because a `notify()` with nobody waiting is not remembered.
 */
export class AvailabilityNotifier {
  private pending?: { readonly promise: Promise<void>; readonly resolve: () => void };

  next(): Promise<void> {
    if (!this.pending) {
      let resolve: () => void = () => {};
      const promise = new Promise<void>((r) => (resolve = r));
      this.pending = { promise, resolve };
    }
    return this.pending.promise;
  }

  notify(): void {
    const p = this.pending;
    this.pending = undefined;
    p?.resolve();
  }
}

/** A resolved promise, for "available now". */
export const AVAILABLE: Promise<void> = Promise.resolve();
