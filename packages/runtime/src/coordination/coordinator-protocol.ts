import type { SerializedError } from '@flott/core';

// Messages between a JobMaster and its job's coordinator thread (jobmaster/coordinator-worker.ts), which re-runs
// the job's main to get the user's Sources and runs their SplitEnumerators (DESIGN.md §5: user code
// runs where its graph is rebuilt, never on the JobManager's own event loop).

/** An operator whose coordinator the thread runs. */
export interface HostedOperator {
  readonly operatorId: string;
  readonly name: string;
  readonly streamNodeId: number;
  readonly parallelism: number;
}

/** The OperatorCoordinator methods a call names. */
export type CoordinatorMethod =
  | 'start'
  | 'handleEventFromOperator'
  | 'executionAttemptFailed'
  | 'checkpointCoordinator'
  | 'notifyCheckpointComplete'
  | 'subtaskReset'
  | 'resetToCheckpoint'
  | 'close';

export type ToCoordinatorThread =
  | {
      type: 'init';
      artifactPath: string;
      args: readonly string[];
      defaultParallelism: number;
      configuration: Record<string, unknown>;
      operators: readonly HostedOperator[];
    }
  | { type: 'call'; requestId: number; operatorId: string; method: CoordinatorMethod; args: unknown[] }
  | { type: 'event-delivered'; requestId: number; error?: SerializedError };

export type FromCoordinatorThread =
  | { type: 'reply'; requestId: number; result?: unknown; error?: SerializedError }
  | { type: 'send-event'; requestId: number; operatorId: string; attemptId: string; event: unknown }
  | { type: 'fail-job'; operatorId: string; error: SerializedError };
