import { FlottError } from '@flott/core';

/** The collect sink's coordinator rejected or lost a batch. */
export class CollectSinkError extends FlottError {
  constructor(sinkId: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('COLLECT_SINK_FAILED', `Collect sink ${sinkId}: sending a batch failed: ${reason}`, { sinkId }, { cause });
  }
}
