import type { Accumulator, RuntimeContext } from '../../functions';

export interface TestingRuntimeContextOptions {
  readonly jobId?: string;
  readonly taskName?: string;
  readonly subtaskIndex?: number;
  readonly parallelism?: number;
  readonly maxParallelism?: number;
  readonly attemptNumber?: number;
}

/** A RuntimeContext with fixed values (defaults: subtask 0 of 1, attempt 0). */
export class TestingRuntimeContext implements RuntimeContext {
  readonly accumulators = new Map<string, Accumulator<unknown>>();
  private readonly o: Required<TestingRuntimeContextOptions>;

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
}
