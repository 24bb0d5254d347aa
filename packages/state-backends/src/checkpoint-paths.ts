import { createHash, randomBytes } from 'crypto';

// Where checkpoint files go on a file system, as Flink lays them out (docs/checkpoint-format.md):
//   <checkpoints dir>/<job id>/chk-<n>/{state files, _metadata}
//   <checkpoints dir>/<job id>/shared/     (SHARED-scope state: incremental checkpoints; deleted by discardState)
//   <checkpoints dir>/<job id>/taskowned/  (reserved)
//   <savepoint dir>/savepoint-<first 6 characters of the job id>-<12 random hex digits>/{state files, _metadata}

export const METADATA_FILE_NAME = '_metadata';
export const SHARED_STATE_DIRECTORY = 'shared';
export const TASK_OWNED_STATE_DIRECTORY = 'taskowned';

/** A file's name stays well below the 255 bytes file systems allow, whatever the state's name. */
const MAX_FILE_NAME_LENGTH = 160;

/**
 * A name made safe as one file name: characters other than ASCII letters, digits and '-' are
 * percent-encoded (so no '/', '..', leading '.' or '_'), and a long name is cut and given a hash of
 * the whole. A state file's name therefore never collides with `_metadata` or a temporary file.
 */
export function safeFileName(name: string): string {
  const encoded = encodeURIComponent(name).replace(/[._!~*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  if (encoded.length <= MAX_FILE_NAME_LENGTH) return encoded;
  return `${encoded.slice(0, MAX_FILE_NAME_LENGTH - 17)}-${createHash('sha256').update(name).digest('hex').slice(0, 16)}`;
}

/** Flink's savepoint directory name: `savepoint-` + the job id's first 6 characters + `-` + 12 random hex digits. */
export function savepointDirectoryName(jobId: string, randomHex12: string): string {
  return `savepoint-${jobId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 6)}-${randomHex12}`;
}

/** Random bytes as hex, from the process's crypto source (names only need to be unique, not reproducible). */
export function cryptoRandomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
