import type { Accumulator, RuntimeContext } from '../functions';

export interface TaskInfo {
  readonly jobId: string;
  readonly taskName: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly attemptNumber: number;
}

/** The RuntimeContext of every function in one task; accumulators are shared by the task's operators. */
export class TaskRuntimeContext implements RuntimeContext {
  constructor(
    private readonly info: TaskInfo,
    private readonly accumulators: Map<string, Accumulator<unknown>>,
  ) {}
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
}

/**
 * Merges the accumulator values the subtasks reported: numbers and bigints add up, arrays
 * concatenate, plain objects merge per key; otherwise the last value wins.
 */
export function mergeAccumulatorValues(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a + b;
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b as Record<string, unknown>)) out[k] = k in out ? mergeAccumulatorValues(out[k], v) : v;
    return out;
  }
  return b;
}
