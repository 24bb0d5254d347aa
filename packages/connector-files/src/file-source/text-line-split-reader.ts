import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { InputStatus, SplitQueue, type ReaderOutput, type SourceReader, type SourceReaderContext } from '@flott/core';
import { FileIoError, SourceFileNotFoundError } from '../connector-errors';
import type { FileSourceSplit } from './file-source-split';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** The line `text[from, end)`, without a "\r" that ends it. */
function lineOf(text: string, from: number, end: number): string {
  return end > from && text.charCodeAt(end - 1) === CARRIAGE_RETURN ? text.slice(from, end - 1) : text.slice(from, end);
}

/** The split being read: its file, where its next unread chunk starts, and the lines read ahead. */
interface OpenSplit {
  readonly split: FileSourceSplit;
  /** Lines that start before this byte are the split's. */
  readonly end: number;
  file?: FileHandle;
  /** Byte offset of the next line to emit (what a checkpoint keeps); undefined while the partial first line is skipped. */
  offset: number | undefined;
  readPosition: number;
  /** Where the line being cut (`partial`) starts; undefined while the partial first line is skipped. */
  lineStart: number | undefined;
  /** The bytes of that line read so far (copies), when chunks ended inside it: joined once, when the line ends. */
  partial: Buffer[];
  /** Lines read ahead, from `head` on, each with the byte offset of the line after it. */
  lines: string[];
  nexts: number[];
  head: number;
  done: boolean;
}

/**
 * Reads the lines of its splits one after the other (Flink's DelimitedInputFormat over a file's
 * block splits, in a FileSourceReader): one chunk (`chunkBytes`) read asynchronously at a time, so at
 * most one chunk's lines wait in memory; lines end at "\n" (a trailing "\r" is dropped) and a last
 * line without one counts. A line is the split's that holds its first byte: a fresh split that starts
 * after byte 0 skips through the first "\n" at or after its offset - 1 (the line before is the
 * previous split's; UTF-8 never has 0x0a inside a character), and a split reads past its end to finish
 * its last line, never past the file size it was found with. A checkpoint keeps each split at the
 * byte offset of its next line (`position`), where a restored reader starts without skipping.
 */
export class TextLineSplitReader implements SourceReader<string, FileSourceSplit> {
  private current?: OpenSplit;
  private readonly splits: SplitQueue<FileSourceSplit>;
  private fetching?: Promise<void>;
  private failure?: unknown;

  constructor(
    context: SourceReaderContext,
    private readonly chunkBytes = 64 * 1024,
  ) {
    this.splits = new SplitQueue(context);
  }

  start(): void {
    if (this.splits.queued.length === 0) this.splits.request();
  }

  pollNext(output: ReaderOutput<string>): InputStatus {
    if (this.failure) throw this.failure;
    const c = this.current ?? this.openNext();
    if (!c) {
      if (this.splits.noMoreSplits) return InputStatus.END_OF_INPUT;
      this.splits.request();
      return InputStatus.NOTHING_AVAILABLE;
    }
    if (c.head < c.lines.length) {
      const i = c.head++;
      c.offset = c.nexts[i];
      output.collect(c.lines[i]);
      return InputStatus.MORE_AVAILABLE;
    }
    if (c.done) {
      this.finish(c);
      return this.pollNext(output);
    }
    this.fetch(c);
    return InputStatus.NOTHING_AVAILABLE;
  }

  private openNext(): OpenSplit | undefined {
    const split = this.splits.queued.shift();
    if (!split) return undefined;
    const end = split.offset + split.length;
    // A restored split is at a line start; a fresh one is at one only at byte 0 or right after a "\n" (found by reading from offset - 1).
    const lineStart = split.position ?? (split.offset === 0 ? 0 : undefined);
    const readPosition = lineStart ?? split.offset - 1;
    return (this.current = { split, end, offset: lineStart, readPosition, lineStart, partial: [], lines: [], nexts: [], head: 0, done: lineStart !== undefined && lineStart >= end });
  }

  private finish(c: OpenSplit): void {
    this.current = undefined;
    void c.file?.close().catch(() => undefined);
  }

  /** Reads the next chunk in the background; the reader becomes available when it is in. */
  private fetch(c: OpenSplit): void {
    if (this.fetching) return;
    // The next split is asked for while the last chunk of this one is read, so it is there when this one ends.
    // Not earlier: a reader that asked as it opened its first block split would take the block another reader is about to ask for.
    if (this.splits.queued.length === 0 && c.readPosition + this.chunkBytes >= c.end) this.splits.request();
    this.fetching = this.readChunk(c)
      .catch((e: unknown) => {
        this.failure = e;
      })
      .finally(() => {
        this.fetching = undefined;
        this.splits.wake();
      });
  }

  private async readChunk(c: OpenSplit): Promise<void> {
    const { path, fileSize } = c.split;
    try {
      c.file ??= await fsp.open(path, 'r');
      const size = Math.max(0, Math.min(this.chunkBytes, fileSize - c.readPosition));
      const buffer = Buffer.allocUnsafe(size);
      const { bytesRead } = size === 0 ? { bytesRead: 0 } : await c.file.read(buffer, 0, size, c.readPosition);
      this.split(c, buffer.subarray(0, bytesRead));
      c.readPosition += bytesRead;
      if (!c.done && (bytesRead === 0 || c.readPosition >= fileSize)) this.endOfFile(c);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new SourceFileNotFoundError(path);
      throw new FileIoError('Reading', path, e);
    }
  }

  /**
   * Cuts complete lines out of `chunk` (read at c.readPosition), keeping the unfinished rest; first
   * drops the partial line a fresh split starts in. Ends the split once the next line starts at or
   * after its end. The complete lines of a chunk are decoded with one call and cut from the string
   * (a call, a copy and a Buffer per line cost ~200 ns, --cpu-prof of the word-count example); byte
   * offsets come from the newline bytes, which are the string's newlines one for one (UTF-8 has no
   * 0x0a inside a character, and a malformed sequence decodes to U+FFFD, never to a newline).
   */
  private split(c: OpenSplit, chunk: Buffer): void {
    // A chunk is read only once the lines before it were emitted.
    if (c.head === c.lines.length) {
      c.lines.length = 0;
      c.nexts.length = 0;
      c.head = 0;
    }
    let start = 0;
    if (c.lineStart === undefined) {
      const i = chunk.indexOf(NEWLINE);
      if (i < 0) return;
      start = i + 1;
      c.lineStart = c.offset = c.readPosition + start;
      if (c.lineStart >= c.end) {
        c.done = true;
        return;
      }
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last < start) {
      this.keepPartial(c, chunk.subarray(start));
      return;
    }
    // From the line being cut to the chunk's last newline: whole lines, at file offset `base`.
    const whole = chunk.subarray(start, last + 1);
    const block = c.partial.length === 0 ? whole : Buffer.concat([...c.partial, whole]);
    const base = c.lineStart;
    c.partial = [];
    const text = block.toString('utf8');
    const ascii = text.length === block.length;
    let from = 0;
    let byteFrom = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      if (nl < 0) break;
      const byteNl = ascii ? nl : block.indexOf(NEWLINE, byteFrom);
      const next = base + byteNl + 1;
      c.lines.push(lineOf(text, from, nl));
      c.nexts.push(next);
      c.lineStart = next;
      if (next >= c.end) {
        c.done = true;
        return;
      }
      from = nl + 1;
      byteFrom = byteNl + 1;
    }
    this.keepPartial(c, chunk.subarray(last + 1));
  }

  /** Keeps a copy of `rest` (a view of the chunk: its buffer is not reused, but a copy lets the chunk go). */
  private keepPartial(c: OpenSplit, rest: Buffer): void {
    if (rest.length > 0) c.partial.push(Buffer.from(rest));
  }

  /** The file ends (at the size it was found with, or earlier if it shrank): a last line without "\n" counts. */
  private endOfFile(c: OpenSplit): void {
    if (c.lineStart !== undefined && c.partial.length > 0) {
      const text = Buffer.concat(c.partial).toString('utf8');
      c.lines.push(lineOf(text, 0, text.length));
      c.nexts.push(c.readPosition);
      c.partial = [];
      c.lineStart = c.readPosition;
    }
    c.done = true;
  }

  isAvailable(): Promise<void> {
    const c = this.current;
    const splits = this.splits;
    // While a chunk of the current split is being read, the reader waits for it, even when no more splits will come.
    const ready = c ? c.head < c.lines.length || c.done : splits.noMoreSplits || splits.queued.length > 0;
    if (this.failure || ready) return Promise.resolve();
    const next = splits.next();
    if (c) this.fetch(c);
    else splits.request();
    return next;
  }

  addSplits(splits: readonly FileSourceSplit[]): void {
    this.splits.add(splits);
  }

  notifyNoMoreSplits(): void {
    this.splits.signalNoMore();
  }

  snapshotState(): FileSourceSplit[] {
    const c = this.current;
    // A split still skipping its partial first line has not moved: it is kept as it came.
    const unfinished = c && (c.head < c.lines.length || !c.done);
    const current = unfinished ? [c.offset === undefined ? { ...c.split } : { ...c.split, position: c.offset }] : [];
    return [...current, ...this.splits.queued.map((s) => ({ ...s }))];
  }

  async close(): Promise<void> {
    this.splits.wake();
    await this.fetching;
    await this.current?.file?.close().catch(() => undefined);
  }
}
