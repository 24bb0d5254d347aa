import type { LeaderContender, LeaderRetrievalListener } from '../spi/high-availability-services';

/** Resolves once `predicate` holds, re-checked after every recorded event. */
class Waiters {
  private readonly pending: Array<{ check: () => boolean; resolve: () => void }> = [];

  wait(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.pending.push({ check, resolve }));
  }

  notify(): void {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      if (this.pending[i].check()) this.pending.splice(i, 1)[0].resolve();
    }
  }
}

/** Records leadership grants and revocations; tests await them instead of polling. */
export class TestingLeaderContender implements LeaderContender {
  readonly grantedSessionIds: string[] = [];
  revocations = 0;
  readonly errors: Error[] = [];
  private onGrant: (sessionId: string) => void = () => undefined;
  private readonly waiters = new Waiters();

  /** E.g. confirm leadership right away, as a Dispatcher does. */
  withOnGrant(hook: (sessionId: string) => void): this {
    this.onGrant = hook;
    return this;
  }

  grantLeadership(leaderSessionId: string): void {
    this.grantedSessionIds.push(leaderSessionId);
    this.onGrant(leaderSessionId);
    this.waiters.notify();
  }

  revokeLeadership(): void {
    this.revocations++;
    this.waiters.notify();
  }

  handleError(error: Error): void {
    this.errors.push(error);
    this.waiters.notify();
  }

  /** The session id of the `n`th grant (1-based), once it happened. */
  async waitForGrant(n = 1): Promise<string> {
    await this.waiters.wait(() => this.grantedSessionIds.length >= n);
    return this.grantedSessionIds[n - 1];
  }

  waitForRevocation(n = 1): Promise<void> {
    return this.waiters.wait(() => this.revocations >= n);
  }
}

export interface LeaderInformation {
  readonly address: string | undefined;
  readonly leaderSessionId: string | undefined;
}

/** Records every leader address a LeaderRetrievalService reports. */
export class TestingLeaderRetrievalListener implements LeaderRetrievalListener {
  readonly notifications: LeaderInformation[] = [];
  readonly errors: Error[] = [];
  private readonly waiters = new Waiters();

  notifyLeaderAddress(address: string | undefined, leaderSessionId: string | undefined): void {
    this.notifications.push({ address, leaderSessionId });
    this.waiters.notify();
  }

  handleError(error: Error): void {
    this.errors.push(error);
    this.waiters.notify();
  }

  latest(): LeaderInformation | undefined {
    return this.notifications[this.notifications.length - 1];
  }

  /** Resolves when the latest notification names `address` (undefined: no leader). */
  async waitForAddress(address: string | undefined): Promise<LeaderInformation> {
    await this.waiters.wait(() => this.notifications.length > 0 && this.latest()?.address === address);
    return this.latest() as LeaderInformation;
  }
}
