import { promises as fsp, type WriteStream } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import {
  AbstractStreamOperator,
  AVAILABLE,
  formatRecord,
  type AvailabilityProvider,
  type OneInputStreamOperator,
} from '@flott/runtime/internal';
import { FileIoError, SinkFileExistsError, SinkPathNotDirectoryError } from './connector-errors';

export type WriteMode = 'NO_OVERWRITE' | 'OVERWRITE';

/**
 * writeAsText: one line per record (formatted like print). At parallelism 1 `path` is the file; at
 * higher parallelism it is a directory holding one file per subtask named "1".."n" (Flink's
 * FileOutputFormat). NO_OVERWRITE refuses an existing file on the first attempt; a restarted
 * attempt replaces what its failed predecessor wrote. Writes go through a stream whose buffer
 * (`highWaterMark` bytes) bounds memory: while it is full the sink reports itself unavailable.
 */
export class TextFileSink<T> extends AbstractStreamOperator<unknown> implements OneInputStreamOperator<T, unknown>, AvailabilityProvider {
  private stream?: WriteStream;
  private failure?: unknown;
  private filePath = '';

  constructor(
    readonly path: string,
    private readonly writeMode: WriteMode = 'NO_OVERWRITE',
    private readonly highWaterMark = 64 * 1024,
  ) {
    super();
  }

  override async open(): Promise<void> {
    const ctx = this.env.runtimeContext;
    const parallel = ctx.getNumberOfParallelSubtasks() > 1;
    this.filePath = parallel ? join(this.path, String(ctx.getIndexOfThisSubtask() + 1)) : this.path;
    const overwrite = this.writeMode === 'OVERWRITE' || ctx.getAttemptNumber() > 0;
    const directory = parallel ? this.path : dirname(this.path);
    try {
      await fsp.mkdir(directory, { recursive: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const blocking = code === 'EEXIST' || code === 'ENOTDIR' ? await firstNonDirectory(directory) : undefined;
      if (blocking !== undefined) throw new SinkPathNotDirectoryError(this.filePath, blocking);
      throw new FileIoError('Creating the directory of', this.filePath, e);
    }
    try {
      const handle = await fsp.open(this.filePath, overwrite ? 'w' : 'wx');
      this.stream = handle.createWriteStream({ highWaterMark: this.highWaterMark });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new SinkFileExistsError(this.filePath);
      throw new FileIoError('Opening', this.filePath, e);
    }
    this.stream.on('error', (e) => {
      this.failure ??= new FileIoError('Writing', this.filePath, e);
    });
    this.env.registerAvailabilityProvider(this);
  }

  processElement(value: T): void {
    if (this.failure !== undefined) throw this.failure;
    const stream = this.stream;
    if (!stream) throw new Error('Assertion failed: processElement before open()');
    stream.write(formatRecord(value) + '\n');
  }

  processWatermark(): void {}

  /**
   * The stream's own flag (set when a write found its buffer full, cleared as it emits 'drain'): a flag of
   * ours, cleared only by a listener that whenAvailable adds, stayed set for good when the 'drain' came
   * while the task had yielded to the event loop between its writes and its wait.
   */
  isAvailable(): boolean {
    return this.stream === undefined || !this.stream.writableNeedDrain || this.failure !== undefined;
  }

  whenAvailable(): Promise<void> {
    const stream = this.stream;
    if (this.isAvailable() || !stream) return AVAILABLE;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        stream.off('drain', done);
        stream.off('error', done);
        resolve();
      };
      stream.on('drain', done);
      stream.on('error', done);
    });
  }

  override async finish(): Promise<void> {
    const stream = this.stream;
    if (!stream) return;
    await new Promise<void>((resolve, reject) => {
      stream.end((e?: Error | null) => (e ? reject(new FileIoError('Writing', this.filePath, e)) : resolve()));
    });
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * Also runs when the task is cancelled or failed (finish() did not run): what was written so far is
   * flushed and the file closed, so a cancelled job leaves whole lines behind.
   */
  override async close(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    if (!stream || stream.destroyed) return;
    if (this.failure !== undefined) {
      stream.destroy();
      return;
    }
    await new Promise<void>((resolve) => {
      stream.once('error', () => resolve());
      stream.end(() => resolve());
    });
  }
}

/** The first existing path on the way down to `directory` that is not a directory, if any. */
async function firstNonDirectory(directory: string): Promise<string | undefined> {
  const { root } = parse(directory);
  const parts: string[] = [];
  for (let p = directory; p !== root && p !== '.'; p = dirname(p)) parts.unshift(p);
  for (const p of parts) {
    // Only refines the message of a mkdir that already failed: a path that cannot be stat'ed leaves mkdir's own error to be reported.
    const stat = await fsp.stat(p).catch(() => undefined);
    if (stat === undefined) return undefined;
    if (!stat.isDirectory()) return p;
  }
  return undefined;
}
