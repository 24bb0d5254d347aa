import type { Accumulator, RuntimeContext } from '../../functions';
import { NON_KEYED_STATE_STORE, type KeyedStateStore } from '../../state/keyed-state-store';
import type {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../../state/state-descriptors';
import type { AggregatingState, ListState, MapState, ReducingState, ValueState } from '../../state/state-handles';

export interface TestingRuntimeContextOptions {
  readonly jobId?: string;
  readonly taskName?: string;
  readonly subtaskIndex?: number;
  readonly parallelism?: number;
  readonly maxParallelism?: number;
  readonly attemptNumber?: number;
  /** Keyed state for the state getters; without it they throw as in a non-keyed function. */
  readonly keyedStateStore?: KeyedStateStore;
}

/** A RuntimeContext with fixed values (defaults: subtask 0 of 1, attempt 0). */
export class TestingRuntimeContext implements RuntimeContext {
  readonly accumulators = new Map<string, Accumulator<unknown>>();
  private readonly o: Required<Omit<TestingRuntimeContextOptions, 'keyedStateStore'>>;
  keyedStateStore: KeyedStateStore;

  constructor(options: TestingRuntimeContextOptions = {}) {
    this.o = {
      jobId: 'testing-job',
      taskName: 'Testing Task',
      subtaskIndex: 0,
      parallelism: 1,
      maxParallelism: 128,
      attemptNumber: 0,
      ...options,
    };
    this.keyedStateStore = options.keyedStateStore ?? NON_KEYED_STATE_STORE;
  }

  getJobId(): string {
    return this.o.jobId;
  }
  getTaskName(): string {
    return this.o.taskName;
  }
  getIndexOfThisSubtask(): number {
    return this.o.subtaskIndex;
  }
  getNumberOfParallelSubtasks(): number {
    return this.o.parallelism;
  }
  getMaxNumberOfParallelSubtasks(): number {
    return this.o.maxParallelism;
  }
  getAttemptNumber(): number {
    return this.o.attemptNumber;
  }
  addAccumulator<V>(name: string, accumulator: Accumulator<V>): void {
    if (this.accumulators.has(name)) throw new Error(`Accumulator '${name}' already exists`);
    this.accumulators.set(name, accumulator as Accumulator<unknown>);
  }
  getAccumulator<V>(name: string): Accumulator<V> | undefined {
    return this.accumulators.get(name) as Accumulator<V> | undefined;
  }
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T> {
    return this.keyedStateStore.getState(descriptor);
  }
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.keyedStateStore.getListState(descriptor);
  }
  getMapState<K, V>(descriptor: MapStateDescriptor<K, V>): MapState<K, V> {
    return this.keyedStateStore.getMapState(descriptor);
  }
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T> {
    return this.keyedStateStore.getReducingState(descriptor);
  }
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT> {
    return this.keyedStateStore.getAggregatingState(descriptor);
  }
}
