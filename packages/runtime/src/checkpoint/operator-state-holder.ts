import type { OperatorStateSnapshot } from '../state/operator-state-store';
import type { KeyedStateBackend } from '../spi/state-backend';
import type { TimerEntry } from '../snapshot/snapshot-data';

/**
 * The stores of one operator that a snapshot reads and a restore fills: a task's chain member, or an
 * operator test harness. The timer side is what the heap timer service manager offers.
 */
export interface OperatorStateHolder {
  readonly keyedBackend?: KeyedStateBackend;
  readonly timeServiceManager?: {
    timersByKeyGroup(): Map<number, Array<{ service: string; domain: 'event' | 'processing'; timer: TimerEntry }>>;
    restoreTimers(name: string, domain: 'event' | 'processing', timers: Iterable<TimerEntry>): void;
  };
  readonly operatorStateStore: {
    snapshotState(): OperatorStateSnapshot[];
    restoreState(states: readonly OperatorStateSnapshot[]): void;
  };
}
