import * as fs from 'node:fs';
import { FileIoError } from '../connector-errors';
import { FileSinkRecoveryError } from './file-sink-errors';
import type { PartFileInfo } from './rolling-policies';

/** A part file being written, as a writer's checkpoint state records it (Flink's InProgressFileRecoverable). */
export interface InProgressFileState {
  /** Where the file goes once committed. */
  readonly targetPath: string;
  /** The hidden file written now: `.<part name>.inprogress.<uuid>` beside the target (Flink's local recoverable writer). */
  readonly tempPath: string;
  /** Bytes that belong to the checkpoint; a restore cuts the file back to this length. */
  readonly validLength: number;
  readonly creationTime: number;
}

/** A closed part file waiting for its checkpoint to complete (Flink's FileSinkCommittable with a pending file). */
export interface FileSinkCommittable {
  readonly bucketId: string;
  readonly tempPath: string;
  readonly targetPath: string;
}

/**
 * The in-progress part file of one bucket. Writes are synchronous (the task writes records
 * synchronously) and buffered up to `bufferSize` bytes; `persist` (at a checkpoint) and `closeForCommit`
 * write the buffer out and fsync, so what they report survives a crash of the process.
 */
export class InProgressPartFile implements PartFileInfo {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private size: number;
  private lastUpdateTime: number;

  private constructor(
    private readonly bucketId: string,
    readonly targetPath: string,
    readonly tempPath: string,
    private fd: number | undefined,
    private written: number,
    private readonly creationTime: number,
    now: number,
    private readonly bufferSize: number,
  ) {
    this.size = written;
    this.lastUpdateTime = now;
  }

  static create(bucketId: string, targetPath: string, tempPath: string, now: number, bufferSize: number): InProgressPartFile {
    const fd = io('Creating the in-progress part file', tempPath, () => fs.openSync(tempPath, 'wx'));
    return new InProgressPartFile(bucketId, targetPath, tempPath, fd, 0, now, now, bufferSize);
  }

  /** Continues a file a checkpoint recorded: what was written after that checkpoint is cut off first. */
  static resume(bucketId: string, state: InProgressFileState, now: number, bufferSize: number): InProgressPartFile {
    let length: number;
    try {
      length = fs.statSync(state.tempPath).size;
    } catch (e) {
      throw new FileSinkRecoveryError(state.tempPath, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the in-progress file is gone' : String(e));
    }
    if (length < state.validLength) {
      throw new FileSinkRecoveryError(state.tempPath, `it has ${length} bytes, fewer than the ${state.validLength} the checkpoint recorded`);
    }
    io('Truncating the in-progress part file', state.tempPath, () => fs.truncateSync(state.tempPath, state.validLength));
    const fd = io('Opening the in-progress part file', state.tempPath, () => fs.openSync(state.tempPath, 'r+'));
    return new InProgressPartFile(bucketId, state.targetPath, state.tempPath, fd, state.validLength, state.creationTime, now, bufferSize);
  }

  getBucketId(): string {
    return this.bucketId;
  }

  getCreationTime(): number {
    return this.creationTime;
  }

  getSize(): number {
    return this.size;
  }

  getLastUpdateTime(): number {
    return this.lastUpdateTime;
  }

  write(bytes: Buffer, now: number): void {
    this.buffered.push(bytes);
    this.bufferedBytes += bytes.length;
    this.size += bytes.length;
    this.lastUpdateTime = now;
    if (this.bufferedBytes >= this.bufferSize) this.writeBuffer();
  }

  /** Makes everything written so far durable; the state to resume from. */
  persist(): InProgressFileState {
    this.writeBuffer();
    io('Syncing the in-progress part file', this.tempPath, () => fs.fsyncSync(this.openFd()));
    return { targetPath: this.targetPath, tempPath: this.tempPath, validLength: this.size, creationTime: this.creationTime };
  }

  /** Closes the file for good: it is pending, to be renamed to its target by the committer. */
  closeForCommit(): FileSinkCommittable {
    this.persist();
    this.dispose();
    return { bucketId: this.bucketId, tempPath: this.tempPath, targetPath: this.targetPath };
  }

  /** Releases the file descriptor and drops unwritten bytes (the writer closes; a restore starts from the checkpoint). */
  dispose(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    this.buffered = [];
    this.bufferedBytes = 0;
    io('Closing the in-progress part file', this.tempPath, () => fs.closeSync(fd));
  }

  private writeBuffer(): void {
    if (this.bufferedBytes === 0) return;
    const data = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered, this.bufferedBytes);
    const fd = this.openFd();
    io('Writing the in-progress part file', this.tempPath, () => {
      for (let off = 0; off < data.length; ) off += fs.writeSync(fd, data, off, data.length - off, this.written + off);
    });
    this.written += data.length;
    this.buffered = [];
    this.bufferedBytes = 0;
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error(`Assertion failed: the part file ${this.tempPath} is used after it was closed`);
    return this.fd;
  }
}

function io<T>(operation: string, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new FileIoError(operation, path, e);
  }
}
