import { FlottError } from '@flott/core';

/** The source coordinator of an operator (its SplitEnumerator) failed or was misused; the job fails over. */
export class SourceCoordinatorError extends FlottError {
  constructor(operatorName: string, reason: string, cause?: unknown) {
    super('SOURCE_COORDINATOR_FAILED', `Source coordinator of '${operatorName}': ${reason}`, { operator: operatorName, reason },
      cause === undefined ? undefined : { cause });
  }
}
