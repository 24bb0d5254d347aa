import type { Cancellable, Scheduler } from '../../time/clock';

/**
 * The timers of one simulated process (a TaskManager): they run on the shared simulated clock until
 * the process dies (`kill`), which cancels them all and ignores any scheduled later, as a crashed
 * process runs nothing any more.
 */
export class HostScheduler implements Scheduler {
  private readonly live = new Set<Cancellable>();
  private dead = false;

  constructor(private readonly clock: Scheduler) {}

  get alive(): boolean {
    return !this.dead;
  }

  schedule(delayMs: number, fn: () => void): Cancellable {
    if (this.dead) return { cancel: () => undefined };
    const timer = this.clock.schedule(delayMs, () => {
      this.live.delete(timer);
      fn();
    });
    return this.track(timer);
  }

  scheduleAtFixedRate(periodMs: number, fn: () => void): Cancellable {
    if (this.dead) return { cancel: () => undefined };
    return this.track(this.clock.scheduleAtFixedRate(periodMs, fn));
  }

  kill(): void {
    this.dead = true;
    for (const timer of this.live) timer.cancel();
    this.live.clear();
  }

  private track(timer: Cancellable): Cancellable {
    this.live.add(timer);
    return {
      cancel: () => {
        this.live.delete(timer);
        timer.cancel();
      },
    };
  }
}
