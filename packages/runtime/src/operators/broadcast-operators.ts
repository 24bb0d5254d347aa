import {
  InvalidStateConfigurationError,
  NO_TIMESTAMP,
  TimeDomain,
  type AbstractStateDescriptor,
  type BroadcastContext,
  type BroadcastProcessFunctionLike,
  type BroadcastReadOnlyContext,
  type BroadcastState,
  type Collector,
  type KeyedBroadcastContext,
  type KeyedBroadcastOnTimerContext,
  type KeyedBroadcastProcessFunctionLike,
  type MapStateDescriptor,
  type OperatorStateStore,
  type OutputTag,
  type ReadOnlyBroadcastState,
  type State,
  type TimerService,
} from '@flott/core';
import type { KeyedStateBackend } from '../spi/state-backend';
import { DefaultKeyedStateStore } from '../state/keyed-state-store';
import { AbstractTwoInputUdfOperator } from './co-operators';
import { specializeHotMethods } from './specialize';
import type { OperatorEnvironment } from './stream-operator';
import { nonKeyedTimerService } from './timers/timer-errors';
import type { InternalTimer, Triggerable, VoidNamespace } from './timers/timer-service';
import { userTimers } from './timers/user-timers';

/** Broadcast state read through the non-broadcast side: writing is not possible (Flink's ReadOnlyBroadcastState). */
function readOnly<K, V>(state: BroadcastState<K, V>): ReadOnlyBroadcastState<K, V> {
  return { get: (k) => state.get(k), contains: (k) => state.contains(k), immutableEntries: () => state.immutableEntries() };
}

/**
 * Shared by both broadcast operators: input 1 is the non-broadcast stream, input 2 the broadcast
 * stream; broadcast state lives in the operator state store under the descriptors given to
 * `broadcast(...)`, and asking for another one fails as in Flink.
 */
abstract class AbstractBroadcastOperator<IN1, IN2, OUT, F> extends AbstractTwoInputUdfOperator<IN1, IN2, OUT, F> {
  private store!: OperatorStateStore;
  private readonly registered: ReadonlySet<string>;

  constructor(f: F, descriptors: ReadonlyArray<MapStateDescriptor<unknown, unknown>>) {
    super(f);
    this.registered = new Set(descriptors.map((d) => d.name));
  }

  override setup(env: OperatorEnvironment<OUT>): void {
    super.setup(env);
    if (!env.operatorStateStore) throw new Error(`Assertion failed: broadcast operator ${env.operatorName} got no operator state store`);
    this.store = env.operatorStateStore;
  }

  protected broadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V> {
    if (!this.registered.has(descriptor.name)) {
      throw new InvalidStateConfigurationError(
        `The requested state '${descriptor.name}' does not exist. Check for typos in your state descriptor, or specify the state ` +
          'descriptor in the datastream.broadcast(...) call if you forgot to register it.',
      );
    }
    return this.store.getBroadcastState(descriptor);
  }

  protected baseContext() {
    return {
      timestamp: (): number | undefined => (this.collector.timestamp === NO_TIMESTAMP ? undefined : this.collector.timestamp),
      output: <X>(tag: OutputTag<X>, value: X): void => this.output.collectSide(tag.id, value, this.collector.timestamp),
      currentWatermark: (): number => this.combinedWatermark,
      currentProcessingTime: (): number => this.env.clock.currentTimeMillis(),
    };
  }
}

/** Flink's CoBroadcastWithNonKeyedOperator. */
export class CoBroadcastWithNonKeyedOperator<IN1, IN2, OUT> extends AbstractBroadcastOperator<
  IN1,
  IN2,
  OUT,
  BroadcastProcessFunctionLike<IN1, IN2, OUT>
> {
  private readonly fn1: (value: IN1, ctx: BroadcastReadOnlyContext, out: Collector<OUT>) => void;
  private readonly fn2: (value: IN2, ctx: BroadcastContext, out: Collector<OUT>) => void;
  private readonly readOnlyContext: BroadcastReadOnlyContext = {
    ...this.baseContext(),
    getBroadcastState: (d) => readOnly(this.broadcastState(d)),
  };
  private readonly context: BroadcastContext = { ...this.baseContext(), getBroadcastState: (d) => this.broadcastState(d) };

  constructor(f: BroadcastProcessFunctionLike<IN1, IN2, OUT>, descriptors: ReadonlyArray<MapStateDescriptor<unknown, unknown>>) {
    super(f, descriptors);
    this.fn1 = f.processElement.bind(f);
    this.fn2 = f.processBroadcastElement.bind(f);
    specializeHotMethods(this, ['processElement1', 'processElement2']);
  }

  processElement1(value: IN1, timestamp: number): void {
    const c = this.collector;
    c.timestamp = timestamp;
    this.fn1(value, this.readOnlyContext, c);
  }

  processElement2(value: IN2, timestamp: number): void {
    const c = this.collector;
    c.timestamp = timestamp;
    this.fn2(value, this.context, c);
  }
}


/**
 * Flink's CoBroadcastWithKeyedOperator: input 1 is keyed (the task sets its key), input 2 is the
 * broadcast input, which has no key: its side reaches keyed state only through applyToKeyedState.
 */
export class CoBroadcastWithKeyedOperator<K, IN1, IN2, OUT>
  extends AbstractBroadcastOperator<IN1, IN2, OUT, KeyedBroadcastProcessFunctionLike<K, IN1, IN2, OUT>>
  implements Triggerable<VoidNamespace>
{
  private readonly fn1: (value: IN1, ctx: KeyedBroadcastOnTimerContext<K>, out: Collector<OUT>) => void;
  private readonly fn2: (value: IN2, ctx: KeyedBroadcastContext, out: Collector<OUT>) => void;
  private readonly onTimerFn?: (timestamp: number, ctx: KeyedBroadcastOnTimerContext<K>, out: Collector<OUT>) => void;
  private backend!: KeyedStateBackend;
  private keyedStore!: DefaultKeyedStateStore;
  private domain = TimeDomain.EVENT_TIME;
  private timers!: TimerService;
  private readonly readOnlyContext: KeyedBroadcastOnTimerContext<K> = {
    ...this.baseContext(),
    getBroadcastState: (d) => readOnly(this.broadcastState(d)),
    getCurrentKey: () => this.backend.getCurrentKey() as K,
    timerService: () => this.timers,
    timeDomain: () => this.domain,
  };
  private readonly context: KeyedBroadcastContext = {
    ...this.baseContext(),
    getBroadcastState: (d) => this.broadcastState(d),
    applyToKeyedState: <S extends State>(d: AbstractStateDescriptor<unknown>, fn: (key: unknown, state: S) => void): void => {
      const state = this.keyedStore.getPartitionedState(d) as S;
      this.keyedStore.forEachKey(d, (key) => fn(key, state));
    },
  };

  constructor(f: KeyedBroadcastProcessFunctionLike<K, IN1, IN2, OUT>, descriptors: ReadonlyArray<MapStateDescriptor<unknown, unknown>>) {
    super(f, descriptors);
    this.fn1 = f.processElement.bind(f);
    this.fn2 = f.processBroadcastElement.bind(f);
    if (typeof f.onTimer === 'function') this.onTimerFn = f.onTimer.bind(f);
    specializeHotMethods(this, ['processElement1', 'processElement2']);
  }

  override open(): void | Promise<void> {
    const { keyedStateBackend, timeServiceManager, operatorName, clock } = this.env;
    if (!keyedStateBackend) throw new Error(`Assertion failed: keyed operator ${operatorName} got no keyed state backend`);
    this.backend = keyedStateBackend;
    this.keyedStore = new DefaultKeyedStateStore(keyedStateBackend, clock);
    this.timers = timeServiceManager
      ? userTimers(timeServiceManager, this, () => this.combinedWatermark)
      : nonKeyedTimerService(() => clock.currentTimeMillis(), () => this.combinedWatermark);
    return super.open();
  }

  processElement1(value: IN1, timestamp: number): void {
    const c = this.collector;
    c.timestamp = timestamp;
    this.fn1(value, this.readOnlyContext, c);
  }

  processElement2(value: IN2, timestamp: number): void {
    const c = this.collector;
    c.timestamp = timestamp;
    this.fn2(value, this.context, c);
  }

  protected override onWatermark(watermark: number): void {
    this.env.timeServiceManager?.advanceWatermark(watermark);
    this.output.emitWatermark(watermark);
  }

  onEventTime(timer: InternalTimer<VoidNamespace>): void {
    this.fire(timer, TimeDomain.EVENT_TIME, timer.timestamp);
  }

  onProcessingTime(timer: InternalTimer<VoidNamespace>): void {
    this.fire(timer, TimeDomain.PROCESSING_TIME, NO_TIMESTAMP);
  }

  private fire(timer: InternalTimer<VoidNamespace>, domain: TimeDomain, outputTimestamp: number): void {
    if (!this.onTimerFn) return;
    this.collector.timestamp = outputTimestamp;
    this.domain = domain;
    this.onTimerFn(timer.timestamp, this.readOnlyContext, this.collector);
  }
}
