import type {
  Clock,
  KeyedStateStore,
  OnMergeContext,
  OutputTag,
  ProcessWindowContext,
  StateDescriptor,
  TriggerState,
  Window,
} from '@flott/core';
import type { KeyedStateBackend } from '../../spi/state-backend';
import { DefaultKeyedStateStore } from '../../state/keyed-state-store';
import type { Output } from '../stream-operator';
import type { InternalTimerService } from '../timers/timer-service';

/** How two values of a trigger's partitioned state combine (reducing or aggregating descriptors). */
function combinerOf<S>(descriptor: StateDescriptor<S>): (a: S, b: S) => S {
  const d = descriptor as StateDescriptor<S> & {
    reduce?: (a: S, b: S) => S;
    aggregateFunction?: { merge(a: S, b: S): S };
  };
  const combine = d.combine ?? d.reduce ?? (d.aggregateFunction ? (a: S, b: S) => d.aggregateFunction!.merge(a, b) : undefined);
  if (!combine) throw new Error(`Assertion failed: trigger state '${descriptor.name}' has no way to combine values (use a reducing descriptor)`);
  return combine;
}

/**
 * The trigger context of a window operator (Flink's WindowOperator.Context): one instance, pointed
 * at the window being processed before each trigger call; the current key is the backend's.
 */
export class WindowTriggerContext<W extends Window> implements OnMergeContext {
  window!: W;
  mergedWindows: readonly W[] = [];

  constructor(
    private readonly backend: KeyedStateBackend,
    private readonly timers: InternalTimerService<W>,
  ) {}

  getCurrentProcessingTime(): number {
    return this.timers.currentProcessingTime();
  }
  getCurrentWatermark(): number {
    return this.timers.currentWatermark();
  }
  registerProcessingTimeTimer(time: number): void {
    this.timers.registerProcessingTimeTimer(this.window, time);
  }
  registerEventTimeTimer(time: number): void {
    this.timers.registerEventTimeTimer(this.window, time);
  }
  deleteProcessingTimeTimer(time: number): void {
    this.timers.deleteProcessingTimeTimer(this.window, time);
  }
  deleteEventTimeTimer(time: number): void {
    this.timers.deleteEventTimeTimer(this.window, time);
  }

  getPartitionedState<S>(descriptor: StateDescriptor<S>): TriggerState<S> {
    const backend = this.backend;
    const d = descriptor as StateDescriptor;
    const namespace = this.window.namespace;
    return {
      get: () => backend.get(d, namespace) as S | undefined,
      update: (value) => backend.put(d, value, namespace),
      add: (value) => {
        const current = backend.get(d, namespace) as S | undefined;
        backend.put(d, current === undefined ? value : combinerOf(descriptor)(current, value), namespace);
      },
      clear: () => backend.clear(d, namespace),
    };
  }

  mergePartitionedState<S>(descriptor: StateDescriptor<S>): void {
    if (this.mergedWindows.length === 0) return;
    const combine = combinerOf(descriptor);
    const d = descriptor as StateDescriptor;
    let acc = this.backend.get(d, this.window.namespace) as S | undefined;
    for (const w of this.mergedWindows) {
      if (w.namespace === this.window.namespace) continue;
      const v = this.backend.get(d, w.namespace) as S | undefined;
      if (v === undefined) continue;
      acc = acc === undefined ? v : combine(acc, v);
      this.backend.clear(d, w.namespace);
    }
    if (acc !== undefined) this.backend.put(d, acc, this.window.namespace);
  }
}

/** The ProcessWindowFunction context of a window operator; `window` is set before each call. */
export class WindowProcessContext<W extends Window> implements ProcessWindowContext<W> {
  current!: W;
  private readonly perWindow: DefaultKeyedStateStore;
  private readonly global: DefaultKeyedStateStore;

  constructor(
    backend: KeyedStateBackend,
    clock: Clock,
    private readonly timers: InternalTimerService<W>,
    private readonly out: Output<unknown>,
  ) {
    this.perWindow = new DefaultKeyedStateStore(backend, clock);
    this.global = new DefaultKeyedStateStore(backend, clock);
  }

  window(): W {
    return this.current;
  }
  currentProcessingTime(): number {
    return this.timers.currentProcessingTime();
  }
  currentWatermark(): number {
    return this.timers.currentWatermark();
  }
  windowState(): KeyedStateStore {
    this.perWindow.setCurrentNamespace(this.current.namespace);
    return this.perWindow;
  }
  globalState(): KeyedStateStore {
    return this.global;
  }
  output<X>(tag: OutputTag<X>, value: X): void {
    this.out.collectSide(tag.id, value, this.current.maxTimestamp());
  }
}
