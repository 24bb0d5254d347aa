import type { Clock } from '@flott/core';
import type { Random } from '../../time/random';
import type { MessageFate, NetworkFaults } from './simulated-network';

/** How often each fault happens while faults are on; probabilities per message or per storage write. */
export interface FaultRates {
  readonly messageLoss: number;
  /** A message delayed well beyond the usual latency (up to maxMessageDelayMs). */
  readonly messageDelay: number;
  readonly maxMessageDelayMs: number;
  /** A checkpoint write (a task's state file or the coordinator's metadata) that fails. */
  readonly storageFailure: number;
  /** A slow disk: a storage call that completes up to maxStorageDelayMs late. */
  readonly storageDelay: number;
  readonly maxStorageDelayMs: number;
}

/** What happens to one storage call. */
export interface StorageFate {
  readonly fails: boolean;
  readonly delayMs: number;
}

/** Usual network latency of a message (1–4 ms). */
const MIN_LATENCY_MS = 1;
const LATENCY_SPREAD_MS = 4;
/** Usual storage latency (2–9 ms). */
const MIN_STORAGE_LATENCY_MS = 2;
const STORAGE_LATENCY_SPREAD_MS = 8;

/**
 * The seeded fault injector of one run: every message's and storage call's fate is drawn from one
 * Random, in the order the calls come, so a seed replays the same faults. Faults happen only until
 * `faultsEndAt` (simulated time) and lost messages are bounded by `maxLostMessages`: the run must
 * then heal and finish, which is what the system promises.
 */
export class SeededFaults implements NetworkFaults {
  private lostMessages = 0;
  readonly injected = { lostMessages: 0, delayedMessages: 0, failedWrites: 0, slowWrites: 0 };

  constructor(
    private readonly random: Random,
    private readonly clock: Clock,
    private readonly rates: FaultRates,
    private readonly faultsEndAt: number,
    private readonly maxLostMessages: number,
  ) {}

  /** Whether faults still happen now. */
  get active(): boolean {
    return this.clock.currentTimeMillis() < this.faultsEndAt;
  }

  fateOf(): MessageFate {
    const latency = MIN_LATENCY_MS + Math.floor(this.random.nextDouble() * LATENCY_SPREAD_MS);
    if (!this.active) return { lost: false, delayMs: latency };
    if (this.lostMessages < this.maxLostMessages && this.random.nextDouble() < this.rates.messageLoss) {
      this.lostMessages++;
      this.injected.lostMessages++;
      return { lost: true, delayMs: 0 };
    }
    if (this.random.nextDouble() < this.rates.messageDelay) {
      this.injected.delayedMessages++;
      return { lost: false, delayMs: latency + Math.floor(this.random.nextDouble() * this.rates.maxMessageDelayMs) };
    }
    return { lost: false, delayMs: latency };
  }

  storageFate(): StorageFate {
    const latency = MIN_STORAGE_LATENCY_MS + Math.floor(this.random.nextDouble() * STORAGE_LATENCY_SPREAD_MS);
    if (!this.active) return { fails: false, delayMs: latency };
    const fails = this.random.nextDouble() < this.rates.storageFailure;
    if (fails) this.injected.failedWrites++;
    if (this.random.nextDouble() < this.rates.storageDelay) {
      this.injected.slowWrites++;
      return { fails, delayMs: latency + Math.floor(this.random.nextDouble() * this.rates.maxStorageDelayMs) };
    }
    return { fails, delayMs: latency };
  }

  /** A number in [0, 1) from the run's one Random (for the scenario's own choices, such as kill times). */
  nextDouble(): number {
    return this.random.nextDouble();
  }
}
