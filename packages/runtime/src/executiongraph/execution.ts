import { assert, serializeError, type Clock, type SerializedError } from '@flott/core';
import type { ExecutionVertexId } from '../spi/scheduling-topology';
import { checkExecutionTransition, ExecutionState, isTerminalExecutionState } from '../execution/execution-state';

/** Where an attempt runs, as plain data (it is shown over REST and put into deployment descriptors). */
export interface SlotAssignment {
  /** The slot's allocation id (Flink's AllocationID). */
  readonly allocationId: string;
  /** Resource id of the TaskManager that holds the slot. */
  readonly taskManagerId: string;
  readonly slotIndex: number;
  /** `host:port` of the TaskManager's data endpoint, when known. */
  readonly dataAddress?: string;
  /** `host:port` of the slot thread's own data server, which serves the attempt's PIPELINED partitions, when it has one. */
  readonly slotDataAddress?: string;
}

/** Called after an attempt changed state, synchronously, on the JobMaster's event loop. */
export type ExecutionStateListener = (execution: Execution, from: ExecutionState, to: ExecutionState) => void;

/** An attempt as plain data (REST, logs, archived jobs). */
export interface ExecutionSnapshot {
  readonly vertexId: ExecutionVertexId;
  readonly attemptNumber: number;
  readonly attemptId: string;
  readonly state: ExecutionState;
  readonly stateTimestamps: Readonly<Partial<Record<ExecutionState, number>>>;
  readonly failureCause?: SerializedError;
  readonly assignedSlot?: SlotAssignment;
}

/**
 * One attempt to run a subtask (Flink's Execution). Its state moves only along Flink's ExecutionState
 * machine; illegal moves throw IllegalStateTransitionError. Not thread-safe: owned by the JobMaster's
 * event loop.
 */
export class Execution {
  private current: ExecutionState = ExecutionState.CREATED;
  private readonly timestamps: Partial<Record<ExecutionState, number>> = {};
  private failure: Error | undefined;
  private slot: SlotAssignment | undefined;

  constructor(
    readonly vertexId: ExecutionVertexId,
    readonly attemptNumber: number,
    readonly attemptId: string,
    private readonly clock: Clock,
    private readonly onStateChange?: ExecutionStateListener,
  ) {
    this.timestamps[ExecutionState.CREATED] = clock.currentTimeMillis();
  }

  get state(): ExecutionState {
    return this.current;
  }

  /** When the attempt entered `state` (epoch ms), or undefined if it never did. */
  getStateTimestamp(state: ExecutionState): number | undefined {
    return this.timestamps[state];
  }

  get failureCause(): Error | undefined {
    return this.failure;
  }

  get assignedSlot(): SlotAssignment | undefined {
    return this.slot;
  }

  isTerminal(): boolean {
    return isTerminalExecutionState(this.current);
  }

  /** Moves to `to`; a FAILED transition records `cause`. */
  transitionState(to: ExecutionState, cause?: Error): void {
    const from = this.current;
    checkExecutionTransition(from, to);
    this.current = to;
    this.timestamps[to] = this.clock.currentTimeMillis();
    if (to === ExecutionState.FAILED && cause !== undefined) this.failure = cause;
    this.onStateChange?.(this, from, to);
  }

  markFailed(cause: Error): void {
    this.transitionState(ExecutionState.FAILED, cause);
  }

  /** Records the slot the scheduler picked; only before deployment and only once per attempt. */
  assignSlot(slot: SlotAssignment): void {
    assert(
      this.current === ExecutionState.CREATED || this.current === ExecutionState.SCHEDULED,
      `cannot assign a slot to attempt ${this.attemptId} in state ${this.current}`,
    );
    assert(this.slot === undefined, `attempt ${this.attemptId} already has slot ${this.slot?.allocationId}`);
    this.slot = { ...slot };
  }

  toSnapshot(): ExecutionSnapshot {
    return {
      vertexId: this.vertexId,
      attemptNumber: this.attemptNumber,
      attemptId: this.attemptId,
      state: this.current,
      stateTimestamps: { ...this.timestamps },
      ...(this.failure !== undefined ? { failureCause: serializeError(this.failure) } : {}),
      ...(this.slot !== undefined ? { assignedSlot: { ...this.slot } } : {}),
    };
  }
}
