import { createHash } from 'crypto';
import { isAbsolute, join, resolve } from 'path';
import { fileURLToPath } from 'url';
import { ConfigurationError } from '@flott/core';

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

/** An absolute path from a `file://` URI or an absolute path; otherwise why it is neither. */
export function parseFileLocation(value: string): { readonly path: string } | { readonly problem: string } {
  const trimmed = value.trim();
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(trimmed)?.[1];
  // A Windows drive letter looks like a one-letter scheme.
  if (scheme !== undefined && scheme.length > 1) {
    if (scheme.toLowerCase() !== 'file') return { problem: `the scheme '${scheme}' is not supported here (file:// URIs and absolute paths are)` };
    try {
      return { path: resolve(fileURLToPath(trimmed)) };
    } catch (e) {
      return { problem: `not a valid file:// URI (${e instanceof Error ? e.message : String(e)})` };
    }
  }
  if (trimmed === '' || !isAbsolute(trimmed)) return { problem: 'not an absolute path or a file:// URI' };
  return { path: resolve(trimmed) };
}

/** A directory setting (`execution.checkpointing.dir`, a savepoint target) as an absolute path, or a ConfigurationError naming `key`. */
export function directoryOption(value: string, key: string): string {
  const parsed = parseFileLocation(value);
  if ('problem' in parsed) {
    throw new ConfigurationError(`Invalid value '${value}' for '${key}': ${parsed.problem}`, { key, value });
  }
  return parsed.path;
}

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

export function jobDirectory(checkpointsDirectory: string, jobId: string): string {
  return join(checkpointsDirectory, safeFileName(jobId));
}

export function checkpointDirectory(checkpointsDirectory: string, jobId: string, checkpointId: number): string {
  return join(jobDirectory(checkpointsDirectory, jobId), `chk-${checkpointId}`);
}

/** Flink's savepoint directory name: `savepoint-` + the job id's first 6 characters + `-` + 12 random hex digits. */
export function savepointDirectoryName(jobId: string, randomHex12: string): string {
  return `savepoint-${jobId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 6)}-${randomHex12}`;
}
