import { FlottError } from '@flott/core';
import type { RpcService } from '../rpc/rpc-service';
import type { Logger } from '../logging/logger';
import {
  DEFAULT_LEADER_ID,
  type LeaderElectionService,
  type LeaderRetrievalListener,
  type LeaderRetrievalService,
} from '../spi/high-availability-services';

/** A component's leader: its RPC address and its leader session id, the fencing token its gateway expects. */
export interface LeaderRef {
  readonly address: string;
  readonly sessionId: string;
}

/** A JobManager component has no leader (yet, or any more): a call to it cannot be fenced. */
export class NoLeaderError extends FlottError {
  constructor(component: string) {
    super('NO_LEADER', `No leader of the ${component} is known (not elected yet, or its leadership was revoked); retry later`, { component });
  }
}

/**
 * Follows one component's leader through the HA services' LeaderRetrievalService (Flink's leader
 * retrievers): callers read `current()` at each call, so a new leader's address and session id take
 * effect at once, and a message for a stale leader carries its stale token and is refused there.
 * `onChange` listeners hear every new leader (a TaskExecutor registers again).
 */
export class LeaderTracker implements LeaderRetrievalListener {
  private leader: LeaderRef | undefined;
  private readonly listeners = new Set<(leader: LeaderRef | undefined) => void>();
  private started = false;

  constructor(
    readonly component: string,
    private readonly retrieval: LeaderRetrievalService,
  ) {}

  /** A tracker of a leader that never changes (tests; a component served without election). */
  static fixed(component: string, address: string, sessionId: string = DEFAULT_LEADER_ID): LeaderTracker {
    const tracker = new LeaderTracker(component, new StaticLeaderRetrievalService(address, sessionId));
    tracker.notifyLeaderAddress(address, sessionId);
    return tracker;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.retrieval.start(this);
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.retrieval.stop();
  }

  /** The leader known now; NoLeaderError when there is none. */
  current(): LeaderRef {
    if (!this.leader) throw new NoLeaderError(this.component);
    return this.leader;
  }

  onChange(listener: (leader: LeaderRef | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notifyLeaderAddress(address: string | undefined, leaderSessionId: string | undefined): void {
    const next = address !== undefined && leaderSessionId !== undefined ? { address, sessionId: leaderSessionId } : undefined;
    if (next?.address === this.leader?.address && next?.sessionId === this.leader?.sessionId) return;
    this.leader = next;
    for (const l of [...this.listeners]) l(next);
  }

  handleError(_error: Error): void {
    this.notifyLeaderAddress(undefined, undefined);
  }
}

/**
 * The leader at a configured address with the standalone session id (Flink's StandaloneHaServices
 * for `high-availability.type: none`): how a TaskManager process finds the JobManager's
 * ResourceManager and Dispatcher without an HA service to ask.
 */
export class StaticLeaderRetrievalService implements LeaderRetrievalService {
  constructor(
    private readonly address: string,
    private readonly sessionId: string = DEFAULT_LEADER_ID,
  ) {}

  async start(listener: LeaderRetrievalListener): Promise<void> {
    listener.notifyLeaderAddress(this.address, this.sessionId);
  }

  async stop(): Promise<void> {}
}

/** A JobManager component taking part in leader election: it is told its session id, which fences its gateway. */
export interface LeaderEndpoint {
  readonly address: string;
  grantLeadership(sessionId: string): void;
  revokeLeadership(): void;
}

/**
 * Starts `endpoint`'s leader election and waits until the HA service made it the leader and the
 * endpoint confirmed (published) its address. The endpoint learns its session id before it is
 * published, so no caller can hold the new token while the endpoint would still refuse it.
 */
export async function becomeLeader(election: LeaderElectionService, endpoint: LeaderEndpoint): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    void election
      .start({
        grantLeadership: (sessionId) => {
          endpoint.grantLeadership(sessionId);
          void election.confirmLeadership(sessionId, endpoint.address).then(resolve, reject);
        },
        revokeLeadership: () => endpoint.revokeLeadership(),
        handleError: reject,
      })
      .catch(reject);
  });
}

/**
 * A gateway of `tracker`'s component that resolves the leader at each call and sends its session id
 * as the fencing token; a call while no leader is known fails with NoLeaderError.
 */
export function leaderGateway<T extends object>(rpc: RpcService, tracker: LeaderTracker): T {
  return new Proxy({} as T, {
    get: (_target, method) =>
      (...args: unknown[]) =>
        new Promise((resolve) => {
          const leader = tracker.current();
          const gateway = rpc.connect<Record<string | symbol, (...a: unknown[]) => Promise<unknown>>>(leader.address, { fencingToken: leader.sessionId });
          resolve(gateway[method](...args));
        }),
  });
}

/**
 * A JobManager role's leadership (the Dispatcher's, the ResourceManager's): the session id the HA
 * services granted, which fences the role's gateway (`register(…, { fencingToken: session.token })`).
 */
export class LeaderSession {
  private sessionId: string | undefined;

  constructor(
    private readonly role: string,
    private readonly address: () => string,
    private readonly log: () => Logger,
  ) {}

  /** For the RPC service: the token calls must carry, undefined while not the leader (every call refused). */
  readonly token = (): string | undefined => this.sessionId;

  /** The current session id; NoLeaderError while not the leader. */
  current(): string {
    if (this.sessionId === undefined) throw new NoLeaderError(this.role);
    return this.sessionId;
  }

  grant(sessionId: string): void {
    this.sessionId = sessionId;
    this.log().info({ sessionId }, `${this.role} ${this.address()} was granted leadership with session id ${sessionId}.`);
  }

  revoke(): void {
    this.log().info({ sessionId: this.sessionId }, `${this.role} ${this.address()} was revoked leadership.`);
    this.sessionId = undefined;
  }
}
