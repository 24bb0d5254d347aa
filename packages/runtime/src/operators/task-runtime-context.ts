import type {
  Accumulator,
  AggregatingState,
  AggregatingStateDescriptor,
  KeyedStateStore,
  ListState,
  ListStateDescriptor,
  MapState,
  MapStateDescriptor,
  ReducingState,
  ReducingStateDescriptor,
  RuntimeContext,
  ValueState,
  ValueStateDescriptor,
} from '@flott/core';
import { NON_KEYED_STATE_STORE } from '../state/keyed-state-store';

export interface TaskInfo {
  readonly jobId: string;
  readonly taskName: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly attemptNumber: number;
}

/**
 * The RuntimeContext of the functions in one task; accumulators are shared by the task's operators.
 * A keyed operator gets its own copy bound to its keyed state (`withKeyedStateStore`); elsewhere the
 * state getters throw Flink's "keyed stream" error.
 */
export class TaskRuntimeContext implements RuntimeContext {
  constructor(
    private readonly info: TaskInfo,
    readonly accumulators: Map<string, Accumulator<unknown>>,
    private readonly keyedStateStore: KeyedStateStore = NON_KEYED_STATE_STORE,
  ) {}

  /** The same task context, with state getters on one operator's keyed state. */
  withKeyedStateStore(store: KeyedStateStore): TaskRuntimeContext {
    return new TaskRuntimeContext(this.info, this.accumulators, store);
  }
  getJobId(): string {
    return this.info.jobId;
  }
  getTaskName(): string {
    return this.info.taskName;
  }
  getIndexOfThisSubtask(): number {
    return this.info.subtaskIndex;
  }
  getNumberOfParallelSubtasks(): number {
    return this.info.parallelism;
  }
  getMaxNumberOfParallelSubtasks(): number {
    return this.info.maxParallelism;
  }
  getAttemptNumber(): number {
    return this.info.attemptNumber;
  }
  addAccumulator<V>(name: string, accumulator: Accumulator<V>): void {
    if (this.accumulators.has(name)) throw new Error(`The accumulator '${name}' already exists and cannot be added.`);
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
