import { crc32 } from 'zlib';
import { FlottError, assert, type Configuration } from '@flott/core';
import { CheckpointDataNotFoundError, StateOptions } from '@flott/runtime';
import type { CheckpointLocation, CheckpointStorage, CheckpointStorageAccess, CheckpointStorageFactory } from '@flott/runtime/spi';

const SCHEME = 'jobmanager';
const VERSION = 'v1';

/** One piece of state too large to travel inline to the JobManager. */
export class MaxStateSizeExceededError extends FlottError {
  constructor(name: string, size: number, maxSize: number) {
    super(
      'MAX_STATE_SIZE_EXCEEDED',
      `State '${name}' is ${size} bytes, larger than the ${maxSize} bytes the jobmanager checkpoint storage accepts ` +
        `(${StateOptions.JOBMANAGER_STORAGE_MAX_STATE_SIZE.key}). Use a different checkpoint storage, such as 'filesystem' ` +
        `(${StateOptions.CHECKPOINT_STORAGE.key}), or raise the limit.`,
      { name, size, maxSize },
    );
  }
}

function checksum(header: string, data: Uint8Array): string {
  return crc32(data, crc32(header)).toString(16).padStart(8, '0');
}

/**
 * Handle layout: `jobmanager:v1:<jobId>:<checkpointId>:<name>:<crc32>:<base64 data>`, ids and name
 * URI-encoded so they never contain ':'. The checksum covers header and data, so a truncated or
 * altered handle is detected instead of restoring wrong bytes.
 */
export function encodeJobManagerHandle(jobId: string, checkpointId: number, name: string, data: Uint8Array): string {
  const header = `${SCHEME}:${VERSION}:${encodeURIComponent(jobId)}:${checkpointId}:${encodeURIComponent(name)}`;
  return `${header}:${checksum(header, data)}:${Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64')}`;
}

export function decodeJobManagerHandle(handle: string): Uint8Array {
  const parts = handle.split(':');
  if (parts.length !== 7 || parts[0] !== SCHEME) {
    throw new CheckpointDataNotFoundError(handle.slice(0, 120), 'not a jobmanager checkpoint storage handle');
  }
  const header = parts.slice(0, 5).join(':');
  if (parts[1] !== VERSION) throw new CheckpointDataNotFoundError(header, `unsupported handle version '${parts[1]}' (this build reads ${VERSION})`);
  const data = Buffer.from(parts[6], 'base64');
  if (data.toString('base64') !== parts[6] || checksum(header, data) !== parts[5]) {
    throw new CheckpointDataNotFoundError(header, 'checksum mismatch: the handle was truncated or altered');
  }
  return new Uint8Array(data);
}

/**
 * Writes turn the bytes into a self-contained handle: the state travels with the task's
 * acknowledgement to the JobManager and lives in its heap with the checkpoint metadata (Flink's
 * JobManagerCheckpointStorage). This works from any slot thread or TaskManager process without a
 * shared file system; the size bound keeps the JobManager's heap safe.
 */
export class JobManagerCheckpointStorageAccess implements CheckpointStorageAccess {
  constructor(
    readonly jobId: string,
    readonly maxStateSize: number,
  ) {}

  async initializeLocation(checkpointId: number): Promise<CheckpointLocation> {
    assert(Number.isSafeInteger(checkpointId) && checkpointId >= 0, `invalid checkpoint id ${checkpointId}`);
    return { checkpointId, pointer: `${SCHEME}://${encodeURIComponent(this.jobId)}/chk-${checkpointId}` };
  }

  async write(location: CheckpointLocation, name: string, data: Uint8Array): Promise<string> {
    assert(location.pointer === `${SCHEME}://${encodeURIComponent(this.jobId)}/chk-${location.checkpointId}`,
      `location ${location.pointer} does not belong to job ${this.jobId}`);
    if (data.byteLength > this.maxStateSize) throw new MaxStateSizeExceededError(name, data.byteLength, this.maxStateSize);
    return encodeJobManagerHandle(this.jobId, location.checkpointId, name, data);
  }

  async read(handle: string): Promise<Uint8Array> {
    return decodeJobManagerHandle(handle);
  }

  async discard(_location: CheckpointLocation): Promise<void> {
    // The bytes live only in the handles; dropping the checkpoint's metadata frees them.
  }
}

/** `jobmanager`: checkpoint data kept in the JobManager's memory, bounded per piece of state. */
export class JobManagerCheckpointStorage implements CheckpointStorage {
  readonly name = 'jobmanager';

  constructor(readonly maxStateSize: number) {}

  createCheckpointStorageAccess(jobId: string): CheckpointStorageAccess {
    return new JobManagerCheckpointStorageAccess(jobId, this.maxStateSize);
  }
}

export class JobManagerCheckpointStorageFactory implements CheckpointStorageFactory {
  readonly name = 'jobmanager';

  create(config: Configuration): CheckpointStorage {
    return new JobManagerCheckpointStorage(config.get(StateOptions.JOBMANAGER_STORAGE_MAX_STATE_SIZE));
  }
}
