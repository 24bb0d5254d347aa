import { SystemScheduler } from '../time/clock';

/**
 * Waits for what real I/O (sockets, other threads) brings about: polls `condition` every millisecond
 * of real time until it returns a value other than undefined or false, and resolves with it; rejects
 * naming `what` after `timeoutMs`. For tests whose progress no manual clock can drive.
 */
export async function waitUntil<T>(condition: () => T | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
  const scheduler = new SystemScheduler();
  let timedOut = false;
  const timer = scheduler.schedule(timeoutMs, () => (timedOut = true));
  for (let v = condition(); ; v = condition()) {
    if (v !== undefined && v !== false) {
      timer.cancel();
      return v;
    }
    if (timedOut) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise<void>((r) => scheduler.schedule(1, r));
  }
}
