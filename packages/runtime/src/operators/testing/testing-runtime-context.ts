import type { Accumulator, KeyedStateStore } from '@flott/core';
import { NON_KEYED_STATE_STORE } from '../../state/keyed-state-store';
import { TaskRuntimeContext } from '../task-runtime-context';

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

/** The task's RuntimeContext with fixed values (defaults: subtask 0 of 1, attempt 0) and visible accumulators. */
export class TestingRuntimeContext extends TaskRuntimeContext {
  constructor(options: TestingRuntimeContextOptions = {}) {
    const { keyedStateStore, ...info } = options;
    super(
      { jobId: 'testing-job', taskName: 'Testing Task', subtaskIndex: 0, parallelism: 1, maxParallelism: 128, attemptNumber: 0, ...info },
      new Map<string, Accumulator<unknown>>(),
      keyedStateStore ?? NON_KEYED_STATE_STORE,
    );
  }
}
