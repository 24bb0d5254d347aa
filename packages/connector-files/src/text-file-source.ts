import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { NO_TIMESTAMP } from '@flott/core';
import {
  AbstractStreamOperator,
  AVAILABLE,
  AvailabilityNotifier,
  InputStatus,
  splitRange,
  type SourceOperator,
} from '@flott/runtime/internal';
import { FileIoError, SourceFileNotFoundError } from './connector-errors';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Reads the lines of a text file (readTextFile). The file is split into byte ranges, one per
 * subtask; a subtask emits exactly the lines that START in its range (reading past its end to
 * complete the last one), so every line is read once at any parallelism. Lines end at "\n"; a
 * trailing "\r" is dropped, and a last line without newline counts.
 *
 * Reads are asynchronous, one chunk (`readBufferSize` bytes) in flight at a time; the queue holds
 * at most one chunk's lines, so memory is bounded by the chunk size plus the longest line.
 */
export class TextFileSource extends AbstractStreamOperator<string> implements SourceOperator<string> {
  readonly isSourceOperator = true;
  private file?: FileHandle;
  private fileSize = 0;
  private splitEnd = 0;
  private readPosition = 0;
  /** True until the first line start of this split is found (the split does not start at 0). */
  private seekingLineStart = false;
  private lineStart = 0;
  private partialLine: Buffer[] = [];
  private lines: string[] = [];
  private head = 0;
  private reading = false;
  /** No more reads are needed (the queue may still hold lines). */
  private exhausted = false;
  private failure?: unknown;
  private buffer?: Buffer;
  private readonly notifier = new AvailabilityNotifier();

  constructor(
    readonly path: string,
    private readonly readBufferSize = 64 * 1024,
  ) {
    super();
  }

  override async open(): Promise<void> {
    try {
      this.file = await fsp.open(this.path, 'r');
      this.fileSize = (await this.file.stat()).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new SourceFileNotFoundError(this.path);
      throw new FileIoError('Opening', this.path, e);
    }
    const ctx = this.env.runtimeContext;
    const { start, end } = splitRange(this.fileSize, ctx.getIndexOfThisSubtask(), ctx.getNumberOfParallelSubtasks());
    this.splitEnd = end;
    if (start >= end) {
      this.exhausted = true;
    } else if (start === 0) {
      this.lineStart = 0;
    } else {
      // A line starts at `start` only if the byte before it ends a line: read from there.
      this.readPosition = start - 1;
      this.seekingLineStart = true;
    }
    this.buffer = Buffer.allocUnsafe(Math.max(1, Math.min(this.readBufferSize, this.fileSize)));
  }

  pollNext(maxRecords: number): InputStatus {
    if (this.failure !== undefined) throw this.failure;
    const out = this.output;
    let n = 0;
    while (n < maxRecords && this.head < this.lines.length) {
      out.collect(this.lines[this.head++], NO_TIMESTAMP);
      n++;
    }
    if (this.head < this.lines.length) return InputStatus.MORE_AVAILABLE;
    this.lines = [];
    this.head = 0;
    if (this.exhausted) return InputStatus.END_OF_INPUT;
    this.startRead();
    return InputStatus.NOTHING_AVAILABLE;
  }

  available(): Promise<void> {
    if (this.failure !== undefined || this.head < this.lines.length || this.exhausted) return AVAILABLE;
    this.startRead();
    return this.notifier.next();
  }

  cancel(): void {
    this.exhausted = true;
    this.lines = [];
    this.head = 0;
    this.notifier.notify();
  }

  override async close(): Promise<void> {
    this.exhausted = true;
    const f = this.file;
    this.file = undefined;
    await f?.close();
  }

  private startRead(): void {
    const file = this.file;
    const buffer = this.buffer;
    if (this.reading || this.exhausted || !file || !buffer) return;
    const length = Math.min(buffer.length, this.fileSize - this.readPosition);
    if (length <= 0) {
      this.consume(buffer, 0);
      return;
    }
    this.reading = true;
    file.read(buffer, 0, length, this.readPosition).then(
      ({ bytesRead }) => {
        this.reading = false;
        if (!this.exhausted) this.consume(buffer, bytesRead);
        this.notifier.notify();
      },
      (e: unknown) => {
        this.reading = false;
        this.failure = new FileIoError('Reading', this.path, e);
        this.notifier.notify();
      },
    );
  }

  /** Turns the next `bytesRead` bytes of the file into queued lines; 0 bytes means end of file. */
  private consume(chunk: Buffer, bytesRead: number): void {
    const base = this.readPosition;
    this.readPosition += bytesRead;
    const view = chunk.subarray(0, bytesRead);
    let i = 0;
    if (this.seekingLineStart) {
      const nl = view.indexOf(NEWLINE);
      if (nl < 0) {
        if (bytesRead === 0 || this.readPosition >= this.fileSize) this.exhausted = true;
        return;
      }
      this.seekingLineStart = false;
      this.lineStart = base + nl + 1;
      i = nl + 1;
      if (this.lineStart >= this.splitEnd) {
        this.exhausted = true;
        return;
      }
    }
    for (;;) {
      const nl = view.indexOf(NEWLINE, i);
      if (nl < 0) break;
      this.lines.push(this.decodeLine(view.subarray(i, nl)));
      i = nl + 1;
      this.lineStart = base + i;
      if (this.lineStart >= this.splitEnd) {
        this.exhausted = true;
        return;
      }
    }
    // Copy: the read buffer is reused for the next chunk.
    if (i < bytesRead) this.partialLine.push(Buffer.from(view.subarray(i)));
    if (bytesRead === 0 || this.readPosition >= this.fileSize) {
      if (this.lineStart < this.fileSize) this.lines.push(this.decodeLine(Buffer.alloc(0)));
      this.exhausted = true;
    }
  }

  private decodeLine(tail: Buffer): string {
    const bytes = this.partialLine.length > 0 ? Buffer.concat([...this.partialLine, tail]) : tail;
    this.partialLine = [];
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === CARRIAGE_RETURN) end--;
    return bytes.toString('utf8', 0, end);
  }
}
