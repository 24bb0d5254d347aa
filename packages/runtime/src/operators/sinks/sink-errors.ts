import { FlottError } from '@flott/core';

/** A committer signalled a failure, or a committable still asked to be retried after `sink.committer.retries` attempts. */
export class SinkCommitFailedError extends FlottError {
  constructor(operatorName: string, checkpointId: number, reason: string, cause?: unknown) {
    const at = checkpointId === Number.MAX_SAFE_INTEGER ? 'at the end of input' : `for checkpoint ${checkpointId}`;
    super('SINK_COMMIT_FAILED', `${operatorName}: committing ${at} failed: ${reason}`, { operatorName, checkpointId }, { cause });
  }
}

/** A stored writer state or committable could not be read back with the sink's serializer. */
export class SinkStateRestoreError extends FlottError {
  constructor(operatorName: string, what: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('SINK_STATE_RESTORE_FAILED', `${operatorName}: restoring its ${what} failed: ${reason}`, { operatorName, what }, { cause });
  }
}
