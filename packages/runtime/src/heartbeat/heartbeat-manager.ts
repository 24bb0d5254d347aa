import { ConfigurationError, type Configuration } from '@flott/core';
import { HeartbeatOptions } from '../config/options';
import type { Cancellable, Scheduler } from '../time/clock';

export interface HeartbeatSettings {
  /** heartbeat.interval: how often a sender asks its targets. */
  readonly intervalMs: number;
  /** heartbeat.timeout: a target not heard from for this long is considered dead. */
  readonly timeoutMs: number;
  /** heartbeat.rpc-failure-threshold: this many heartbeat RPCs in a row that fail (the peer is unreachable) count as dead at once; 0 = only the timeout. */
  readonly rpcFailureThreshold: number;
}

/** What a heartbeat manager tells its owner about a target. */
export interface HeartbeatListener {
  /** Nothing heard from `targetId` for heartbeat.timeout. */
  notifyHeartbeatTimeout(targetId: string): void;
  /** `rpcFailureThreshold` heartbeat requests to `targetId` failed in a row (its connection is gone). */
  notifyTargetUnreachable(targetId: string, cause: unknown): void;
}

interface Target {
  /** Sends one heartbeat request and resolves when the target answered (sender side); none on the receiving side. */
  readonly request?: () => Promise<void>;
  timeout: Cancellable;
  failures: number;
  /** A request in flight: the next interval does not stack another on it. */
  inFlight: boolean;
}

/**
 * Heartbeats with a set of targets (Flink's HeartbeatManager / HeartbeatManagerSender). A sender
 * monitors a target with a `request` it sends every heartbeat.interval; the target's answer counts
 * as its heartbeat. A receiver monitors a target without a request and calls `received` whenever a
 * heartbeat request arrives from it. Either side learns of a target it has not heard from within
 * heartbeat.timeout, and a sender also of one whose requests fail rpcFailureThreshold times in a row
 * (a request that timed out is not such a failure: the heartbeat timeout covers it).
 * A target is reported once; it is unmonitored then. Runs on its owner's event loop; timers come
 * from the injected scheduler (the manual clock in tests and the simulator).
 */
export class HeartbeatManager {
  private readonly targets = new Map<string, Target>();
  private ticker: Cancellable | undefined;
  private closed = false;

  constructor(
    private readonly settings: HeartbeatSettings,
    private readonly scheduler: Scheduler,
    private readonly listener: HeartbeatListener,
  ) {}

  /** Starts (or restarts) monitoring `targetId`; `request` makes this side the sender for it. */
  monitorTarget(targetId: string, request?: () => Promise<void>): void {
    if (this.closed) return;
    this.unmonitorTarget(targetId);
    this.targets.set(targetId, { request, timeout: this.armTimeout(targetId), failures: 0, inFlight: false });
    if (request && !this.ticker) this.scheduleTick();
  }

  unmonitorTarget(targetId: string): void {
    const t = this.targets.get(targetId);
    if (!t) return;
    t.timeout.cancel();
    this.targets.delete(targetId);
  }

  isMonitoring(targetId: string): boolean {
    return this.targets.has(targetId);
  }

  /** A heartbeat came from `targetId` (its answer, or its request on the receiving side); false for a target not monitored. */
  received(targetId: string): boolean {
    const t = this.targets.get(targetId);
    if (!t) return false;
    t.failures = 0;
    t.timeout.cancel();
    t.timeout = this.armTimeout(targetId);
    return true;
  }

  close(): void {
    this.closed = true;
    this.ticker?.cancel();
    this.ticker = undefined;
    for (const id of [...this.targets.keys()]) this.unmonitorTarget(id);
  }

  private armTimeout(targetId: string): Cancellable {
    return this.scheduler.schedule(this.settings.timeoutMs, () => {
      if (!this.targets.has(targetId)) return;
      this.targets.delete(targetId);
      this.listener.notifyHeartbeatTimeout(targetId);
    });
  }

  private scheduleTick(): void {
    this.ticker = this.scheduler.schedule(this.settings.intervalMs, () => {
      this.ticker = undefined;
      if (this.closed) return;
      let senders = 0;
      for (const [id, t] of this.targets) {
        if (!t.request) continue;
        senders++;
        if (!t.inFlight) this.send(id, t);
      }
      if (senders > 0) this.scheduleTick();
    });
  }

  private send(targetId: string, t: Target): void {
    t.inFlight = true;
    // A request that throws before it sends (e.g. no leader session to send) counts as a failed delivery.
    new Promise<void>((resolve) => resolve(t.request!())).then(
      () => {
        t.inFlight = false;
        if (this.targets.get(targetId) === t) this.received(targetId);
      },
      (cause: unknown) => {
        t.inFlight = false;
        if (this.targets.get(targetId) !== t) return;
        // A request that timed out says nothing the heartbeat timeout does not; only a failed delivery counts.
        if (isTimeout(cause)) return;
        t.failures++;
        const threshold = this.settings.rpcFailureThreshold;
        if (threshold > 0 && t.failures >= threshold) {
          this.unmonitorTarget(targetId);
          this.listener.notifyTargetUnreachable(targetId, cause);
        }
      },
    );
  }
}

function isTimeout(cause: unknown): boolean {
  return (cause as { code?: unknown } | undefined)?.code === 'RPC_TIMEOUT';
}

/** The heartbeat settings of `config` (heartbeat.interval, heartbeat.timeout, heartbeat.rpc-failure-threshold). */
export function heartbeatSettingsOf(config: Configuration): HeartbeatSettings {
  const intervalMs = config.get(HeartbeatOptions.INTERVAL);
  const timeoutMs = config.get(HeartbeatOptions.TIMEOUT);
  if (intervalMs <= 0 || timeoutMs <= intervalMs) {
    throw new ConfigurationError(
      `${HeartbeatOptions.TIMEOUT.key} (${timeoutMs} ms) must be longer than ${HeartbeatOptions.INTERVAL.key} (${intervalMs} ms), which must be positive.`,
      { intervalMs, timeoutMs },
    );
  }
  return { intervalMs, timeoutMs, rpcFailureThreshold: config.get(HeartbeatOptions.RPC_FAILURE_THRESHOLD) };
}
