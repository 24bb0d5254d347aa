import { FlottError } from '@flott/core';

/** A restored FileSink writer could not continue the in-progress file its checkpoint recorded. */
export class FileSinkRecoveryError extends FlottError {
  constructor(path: string, reason: string) {
    super('FILE_SINK_RECOVERY_FAILED', `FileSink: cannot resume the in-progress part file '${path}' from the checkpoint: ${reason}`, { path });
  }
}

/** A FileSink committable's pending file and its target are both missing: the output of a checkpoint was lost. */
export class FileSinkCommitError extends FlottError {
  constructor(tempPath: string, targetPath: string) {
    super(
      'FILE_SINK_COMMIT_FAILED',
      `FileSink: cannot commit '${targetPath}': neither it nor its pending file '${tempPath}' exists (removed outside the job?)`,
      { tempPath, targetPath },
    );
  }
}
