import type { Clock } from '@flott/core';
import { IllegalStateTransitionError } from '../errors';
import type { JobVertexDescriptor } from '../deployment/job-graph';
import type { ExecutionVertexId } from '../spi/scheduling-topology';
import { Execution, type ExecutionStateListener } from './execution';
import type { ExecutionState } from '../execution/execution-state';

/** What an ExecutionVertex needs from its graph. */
export interface ExecutionVertexContext {
  readonly clock: Clock;
  /** Prefix of attempt ids, so attempts of a re-created graph never collide with older ones. */
  readonly executionGraphId: string;
  /** Bound on the kept prior attempts (`jobmanager.execution.attempts-history-size`). */
  readonly maxPriorAttempts: number;
  readonly onStateChange: ExecutionStateListener;
  /** Told about every new attempt (the graph indexes attempts by id). */
  readonly onNewExecution: (execution: Execution, replaced: Execution | undefined) => void;
}

/** One parallel subtask of a JobVertex (Flink's ExecutionVertex); it lives across attempts. */
export class ExecutionVertex {
  readonly id: ExecutionVertexId;
  private current: Execution;
  /** Oldest first, at most `maxPriorAttempts`. */
  private readonly prior: Execution[] = [];

  constructor(
    readonly jobVertex: JobVertexDescriptor,
    readonly subtaskIndex: number,
    private readonly context: ExecutionVertexContext,
  ) {
    this.id = `${jobVertex.id}_${subtaskIndex}`;
    this.current = this.createExecution(0);
    context.onNewExecution(this.current, undefined);
  }

  get jobVertexId(): string {
    return this.jobVertex.id;
  }

  get parallelism(): number {
    return this.jobVertex.parallelism;
  }

  /** Flink's task name: "Map -> Filter (2/4)". */
  get taskNameWithSubtask(): string {
    return `${this.jobVertex.name} (${this.subtaskIndex + 1}/${this.jobVertex.parallelism})`;
  }

  get currentExecution(): Execution {
    return this.current;
  }

  get executionState(): ExecutionState {
    return this.current.state;
  }

  /** Earlier attempts, oldest first (bounded; the oldest are dropped). */
  getPriorExecutions(): readonly Execution[] {
    return [...this.prior];
  }

  /** Starts attempt n+1 in CREATED; the current attempt must have ended (FINISHED, CANCELED or FAILED). */
  resetForNewExecution(): Execution {
    const old = this.current;
    if (!old.isTerminal()) {
      throw new IllegalStateTransitionError(`attempt of ${this.id}`, old.state, `CREATED (attempt ${old.attemptNumber + 1})`);
    }
    this.prior.push(old);
    if (this.prior.length > this.context.maxPriorAttempts) this.prior.shift();
    this.current = this.createExecution(old.attemptNumber + 1);
    this.context.onNewExecution(this.current, old);
    return this.current;
  }

  private createExecution(attemptNumber: number): Execution {
    const attemptId = `${this.context.executionGraphId}_${this.id}_${attemptNumber}`;
    return new Execution(this.id, attemptNumber, attemptId, this.context.clock, this.context.onStateChange);
  }
}
