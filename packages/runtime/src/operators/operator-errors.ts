import { FlottError } from '@flott/core';

/** The collect sink's coordinator rejected or lost a batch. */
export class CollectSinkError extends FlottError {
  constructor(sinkId: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('COLLECT_SINK_FAILED', `Collect sink ${sinkId}: sending a batch failed: ${reason}`, { sinkId }, { cause });
  }
}

/** A CheckpointedFunction's snapshotState returned a promise: it must finish before the barrier goes on. */
export class AsyncSnapshotStateError extends FlottError {
  constructor(functionName: string) {
    super(
      'ASYNC_SNAPSHOT_STATE',
      `${functionName}.snapshotState() returned a promise, but it must be synchronous: it runs while the checkpoint barrier ` +
        'is held, so it should only copy what the function keeps into the state registered in initializeState(); the state ' +
        'backend writes that out asynchronously.',
      { functionName },
    );
  }
}

/** Operator events between an operator and its coordinator on the JobMaster failed or made no sense. */
export class OperatorEventError extends FlottError {
  constructor(operatorName: string, reason: string, cause?: unknown) {
    const detail = cause === undefined ? '' : `: ${cause instanceof Error ? cause.message : String(cause)}`;
    super('OPERATOR_EVENT_FAILED', `Operator '${operatorName}': ${reason}${detail}`, { operator: operatorName, reason }, cause === undefined ? undefined : { cause });
  }
}
