import type { KeyedStateBackend } from '../../spi/state-backend';
import { TimerQueue } from './timer-queue';
import { valueId } from './timer-ids';
import type { InternalTimer, InternalTimerService, TimerNamespaceIdOf, Triggerable } from './timer-service';

/** What a timer service needs from its manager. */
export interface TimerServiceHost {
  readonly backend: KeyedStateBackend;
  /** Processing time as the operator reads it (the manager's reading of its clock, shared within a turn). */
  currentProcessingTime(): number;
  readonly keyGroupOf: (key: unknown) => number;
  currentWatermark(): number;
  /** A processing-time timer was added: the manager may need an earlier wake-up. */
  processingTimerAdded(timestamp: number): void;
}

/**
 * One named timer service of an operator (Flink's InternalTimerServiceImpl): an event-time and a
 * processing-time queue. Firing is the manager's job, which merges the services' heaps in time order.
 * Mailbox thread only.
 */
export class HeapInternalTimerService<N> implements InternalTimerService<N> {
  readonly eventTimeTimers: TimerQueue<N>;
  readonly processingTimeTimers: TimerQueue<N>;

  constructor(
    readonly name: string,
    public triggerable: Triggerable<N>,
    private readonly host: TimerServiceHost,
    private readonly namespaceId: TimerNamespaceIdOf<N> = valueId,
    private readonly restoredNamespace: (stored: unknown) => N = (stored) => stored as N,
  ) {
    this.eventTimeTimers = new TimerQueue<N>(host.keyGroupOf);
    this.processingTimeTimers = new TimerQueue<N>(host.keyGroupOf);
  }

  currentProcessingTime(): number {
    return this.host.currentProcessingTime();
  }

  currentWatermark(): number {
    return this.host.currentWatermark();
  }

  registerEventTimeTimer(namespace: N, time: number): void {
    this.eventTimeTimers.add(this.currentKey(), namespace, this.namespaceId(namespace, time), time);
  }

  registerUniqueEventTimeTimer(namespace: N, time: number): void {
    this.eventTimeTimers.addUnique(this.currentKey(), namespace, this.namespaceId(namespace, time), time);
  }

  deleteEventTimeTimer(namespace: N, time: number): void {
    this.eventTimeTimers.remove(this.currentKey(), this.namespaceId(namespace, time), time);
  }

  registerProcessingTimeTimer(namespace: N, time: number): void {
    if (this.processingTimeTimers.add(this.currentKey(), namespace, this.namespaceId(namespace, time), time)) {
      this.host.processingTimerAdded(time);
    }
  }

  deleteProcessingTimeTimer(namespace: N, time: number): void {
    // The wake-up stays scheduled (as in Flink): a spurious wake-up finds nothing due and reschedules.
    this.processingTimeTimers.remove(this.currentKey(), this.namespaceId(namespace, time), time);
  }

  /** A timer from a snapshot, for its own key (not the current one); its namespace as the snapshot kept it. */
  restoreTimer(domain: 'event' | 'processing', timer: InternalTimer<unknown>): void {
    const namespace = this.restoredNamespace(timer.namespace);
    const id = this.namespaceId(namespace, timer.timestamp);
    if (domain === 'event') {
      this.eventTimeTimers.add(timer.key, namespace, id, timer.timestamp);
    } else if (this.processingTimeTimers.add(timer.key, namespace, id, timer.timestamp)) {
      this.host.processingTimerAdded(timer.timestamp);
    }
  }

  numTimers(): number {
    return this.eventTimeTimers.size + this.processingTimeTimers.size;
  }

  private currentKey(): unknown {
    const key = this.host.backend.getCurrentKey();
    if (key === undefined || key === null) {
      throw new Error(`Assertion failed: timer service '${this.name}' used without a current key`);
    }
    return key;
  }
}
