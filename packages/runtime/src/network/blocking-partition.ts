import { closeSync, openSync, rmSync, writevSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { FlottError, type RecordSerializer } from '@flott/core';
import type { NetworkConfig } from './network-config';
import { ResultPartition } from './result-partition';
import type { ProducerEndpoint } from './transport';

/**
 * A BLOCKING result partition (Flink's BoundedBlockingResultPartition with one file per subpartition):
 * records are serialised into the same buffers as a pipelined partition, and every finished buffer is
 * appended to its subpartition's file on local disk at once, so memory stays at one buffer per
 * subpartition whatever the partition's size. The files are complete once `finish()` returned; from
 * then on they belong to the TaskExecutor, which serves them to consumers (FileSubpartitionReader)
 * as often as asked (a restarted consumer reads them again) until the JobMaster releases them.
 *
 * File format, per subpartition: frames of [u32 LE length][u8 transport flags][length bytes of buffer],
 * the last one holding the end-of-partition event.
 */
export class BlockingResultPartition<T> extends ResultPartition<T> {
  private readonly writers: FileSubpartitionWriter[] = [];

  constructor(opts: { partitionId: string; numSubpartitions: number; config: NetworkConfig; serializer: RecordSerializer<T>; directory: string }) {
    super(opts);
    for (let i = 0; i < opts.numSubpartitions; i++) {
      const writer = new FileSubpartitionWriter(blockingSubpartitionFile(opts.directory, opts.partitionId, i));
      this.writers.push(writer);
      this.attachConsumer(i, writer);
    }
  }

  /** The subpartitions' files, by subpartition index. */
  get files(): string[] {
    return this.writers.map((w) => w.path);
  }

  override finish(): void {
    if (this.isFinished()) return;
    super.finish();
    for (const w of this.writers) w.complete();
  }

  /** A partition released before it finished deletes its files; a finished one leaves them to the TaskExecutor. */
  override release(): void {
    super.release();
    for (const w of this.writers) w.close();
  }
}

/** Where subpartition `index` of `partitionKey` is written under `directory`. */
export function blockingSubpartitionFile(directory: string, partitionKey: string, index: number): string {
  return join(directory, `${partitionKey.replace(/[^A-Za-z0-9_.-]/g, '_')}.${index}.part`);
}

/** Writing or reading a BLOCKING partition's file failed (disk full, file gone). */
export class BlockingPartitionIoError extends FlottError {
  constructor(message: string, path: string, options?: { cause?: unknown }) {
    super('BLOCKING_PARTITION_IO', message, { path }, options);
  }
}

const FRAME_HEADER = 5;
/** Credits the file grants up front: a write never waits, so the subpartition never queues more than the buffer being sent. */
const FILE_CREDITS = 0x3fffffff;

/**
 * The consumer side a BLOCKING subpartition is attached to: appends every buffer it is sent to the file
 * (synchronously, on the producing task's loop: the disk is the back-pressure) and hands the buffer
 * straight back for reuse.
 */
class FileSubpartitionWriter implements ProducerEndpoint {
  private fd: number | undefined;
  private listener: ((credits: number, returned: ArrayBuffer[]) => void) | undefined;
  private readonly header = Buffer.alloc(FRAME_HEADER);
  private completed = false;

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'w');
    } catch (e) {
      throw new BlockingPartitionIoError(`Cannot create the file of a BLOCKING result partition at ${path}: ${(e as Error).message}`, path, { cause: e });
    }
  }

  sendBuffer(buffer: ArrayBuffer, length: number, flags = 0): void {
    const fd = this.fd;
    if (fd === undefined) return;
    this.header.writeUInt32LE(length, 0);
    this.header[4] = flags;
    try {
      writevSync(fd, [this.header, new Uint8Array(buffer, 0, length)]);
    } catch (e) {
      throw new BlockingPartitionIoError(`Cannot write the BLOCKING result partition file ${this.path}: ${(e as Error).message}`, this.path, { cause: e });
    }
    this.listener?.(0, [buffer]);
  }

  onCredit(listener: (credits: number, returned: ArrayBuffer[]) => void): void {
    this.listener = listener;
    listener(FILE_CREDITS, []);
  }

  /** The end-of-partition frame was written: the file is complete and stays. */
  complete(): void {
    this.completed = true;
    this.closeFile();
  }

  close(): void {
    this.closeFile();
    if (!this.completed) rmSync(this.path, { force: true });
  }

  private closeFile(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * Serves one subpartition file to one consumer channel on the TaskExecutor's main loop: reads the next
 * frame whenever the consumer holds credit, into buffers the consumer returns (at most as many as it
 * granted credits, so memory is bounded by the consumer's credits), one read at a time. The file stays;
 * another reader may read it again. `onError` hears a read that failed (the file was deleted or is
 * truncated); the channel is closed then.
 */
export class FileSubpartitionReader {
  private file: FileHandle | undefined;
  private position = 0;
  private credits = 0;
  private readonly spare: ArrayBuffer[] = [];
  private reading = false;
  private done = false;
  /** One frame header at a time is read (reads never overlap). */
  private readonly header = Buffer.alloc(FRAME_HEADER);

  private constructor(
    private readonly path: string,
    private readonly endpoint: ProducerEndpoint,
    private readonly segmentSize: number,
    private readonly onError: (error: BlockingPartitionIoError) => void,
  ) {}

  /** Opens `path` and starts serving it through `endpoint` as credits come. */
  static async start(path: string, endpoint: ProducerEndpoint, segmentSize: number, onError: (error: BlockingPartitionIoError) => void): Promise<FileSubpartitionReader> {
    const reader = new FileSubpartitionReader(path, endpoint, segmentSize, onError);
    try {
      reader.file = await open(path, 'r');
    } catch (e) {
      throw new BlockingPartitionIoError(`Cannot open the BLOCKING result partition file ${path}: ${(e as Error).message}`, path, { cause: e });
    }
    endpoint.onCredit((credits, returned) => {
      reader.credits += credits;
      // A file reader sends only buffers (it has no segments), so only buffers come back.
      for (const b of returned) if (b instanceof ArrayBuffer) reader.spare.push(b);
      reader.pump();
    });
    return reader;
  }

  /** Stops reading and closes the file (the channel is closed too). */
  close(): void {
    if (this.done) return;
    this.done = true;
    this.endpoint.close();
    const file = this.file;
    this.file = undefined;
    void file?.close().catch(() => undefined);
  }

  private pump(): void {
    if (this.reading || this.done || this.credits === 0) return;
    this.reading = true;
    this.readFrame().then(
      (more) => {
        this.reading = false;
        if (more) this.pump();
        else this.close();
      },
      (e: unknown) => {
        this.reading = false;
        if (this.done) return;
        const error = e instanceof BlockingPartitionIoError ? e : new BlockingPartitionIoError(`Cannot read the BLOCKING result partition file ${this.path}: ${(e as Error).message}`, this.path, { cause: e });
        this.close();
        this.onError(error);
      },
    );
  }

  /** Sends the next frame; false at the end of the file. */
  private async readFrame(): Promise<boolean> {
    const file = this.file;
    if (file === undefined) return false;
    const header = this.header;
    const { bytesRead } = await file.read(header, 0, FRAME_HEADER, this.position);
    if (bytesRead === 0) return false;
    const length = header.readUInt32LE(0);
    if (bytesRead < FRAME_HEADER || length > this.segmentSize) {
      throw new BlockingPartitionIoError(`The BLOCKING result partition file ${this.path} is corrupt at byte ${this.position} (frame of ${length} bytes, segment size ${this.segmentSize})`, this.path);
    }
    const ab = this.spare.pop() ?? new ArrayBuffer(this.segmentSize);
    const body = await file.read(new Uint8Array(ab, 0, length), 0, length, this.position + FRAME_HEADER);
    if (body.bytesRead < length) throw new BlockingPartitionIoError(`The BLOCKING result partition file ${this.path} ends inside a frame at byte ${this.position}`, this.path);
    if (this.done) return false;
    this.position += FRAME_HEADER + length;
    this.credits--;
    this.endpoint.sendBuffer(ab, length, header[4]);
    return true;
  }
}
