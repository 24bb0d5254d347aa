import { assert, FlottError } from '@flott/core';
import type { LeaderContender, LeaderElectionService, LeaderRetrievalListener, LeaderRetrievalService } from '@flott/runtime/spi';

/** A second contender for a component that already has a leader: `none` HA knows one process only. */
export class LeaderContenderAlreadyRegisteredError extends FlottError {
  constructor(component: string) {
    super(
      'LEADER_CONTENDER_ALREADY_REGISTERED',
      `Component '${component}' already has a leader contender; high-availability.type 'none' supports one per component ` +
        '(use zookeeper or kubernetes HA for standby JobManagers).',
      { component },
    );
  }
}

/** Leadership of one component inside one HighAvailabilityServices instance. */
export class ComponentLeadership {
  private contender: LeaderContender | undefined;
  private sessionId: string | undefined;
  private confirmed: { address: string; sessionId: string } | undefined;
  private readonly listeners = new Set<LeaderRetrievalListener>();

  constructor(
    readonly component: string,
    private readonly newSessionId: () => string,
  ) {}

  /** Grants at once: without other processes there is nobody to compete with. */
  elect(contender: LeaderContender): void {
    if (this.contender) throw new LeaderContenderAlreadyRegisteredError(this.component);
    const sessionId = this.newSessionId();
    this.contender = contender;
    this.sessionId = sessionId;
    contender.grantLeadership(sessionId);
  }

  /** A confirmation under an outdated session id is ignored, as Flink ignores a stale leader's. */
  confirm(sessionId: string, address: string): void {
    if (sessionId !== this.sessionId) return;
    this.confirmed = { address, sessionId };
    for (const l of [...this.listeners]) l.notifyLeaderAddress(address, sessionId);
  }

  isLeader(sessionId: string): boolean {
    return this.sessionId !== undefined && this.sessionId === sessionId;
  }

  revoke(contender: LeaderContender): void {
    if (this.contender !== contender) return;
    const hadAddress = this.confirmed !== undefined;
    this.contender = undefined;
    this.sessionId = undefined;
    this.confirmed = undefined;
    contender.revokeLeadership();
    if (hadAddress) for (const l of [...this.listeners]) l.notifyLeaderAddress(undefined, undefined);
  }

  addListener(listener: LeaderRetrievalListener): void {
    this.listeners.add(listener);
    if (this.confirmed) listener.notifyLeaderAddress(this.confirmed.address, this.confirmed.sessionId);
  }

  removeListener(listener: LeaderRetrievalListener): void {
    this.listeners.delete(listener);
  }

  /** On services close: revoke the leader and drop listeners. */
  shutdown(): void {
    if (this.contender) this.revoke(this.contender);
    this.listeners.clear();
  }
}

export class StandaloneLeaderElectionService implements LeaderElectionService {
  private contender: LeaderContender | undefined;

  constructor(private readonly leadership: ComponentLeadership) {}

  async start(contender: LeaderContender): Promise<void> {
    assert(this.contender === undefined, `leader election for ${this.leadership.component} started twice`);
    // Set first: a contender may check hasLeadership from inside grantLeadership.
    this.contender = contender;
    try {
      this.leadership.elect(contender);
    } catch (e) {
      this.contender = undefined;
      throw e;
    }
  }

  async confirmLeadership(leaderSessionId: string, address: string): Promise<void> {
    this.leadership.confirm(leaderSessionId, address);
  }

  hasLeadership(leaderSessionId: string): boolean {
    return this.contender !== undefined && this.leadership.isLeader(leaderSessionId);
  }

  async stop(): Promise<void> {
    const contender = this.contender;
    this.contender = undefined;
    if (contender) this.leadership.revoke(contender);
  }
}

export class StandaloneLeaderRetrievalService implements LeaderRetrievalService {
  private listener: LeaderRetrievalListener | undefined;

  constructor(private readonly leadership: ComponentLeadership) {}

  async start(listener: LeaderRetrievalListener): Promise<void> {
    assert(this.listener === undefined, `leader retrieval for ${this.leadership.component} started twice`);
    this.listener = listener;
    this.leadership.addListener(listener);
  }

  async stop(): Promise<void> {
    if (this.listener) this.leadership.removeListener(this.listener);
    this.listener = undefined;
  }
}
