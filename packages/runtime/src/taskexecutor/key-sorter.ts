import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Packr, Unpackr } from 'msgpackr';
import { FlottError, NO_TIMESTAMP, type RecordSerializer } from '@flott/core';

/** One record as the sorter hands it back, grouped by key. The object is reused: copy what you keep. */
export interface SortedRecord {
  key: string;
  value: unknown;
  timestamp: number;
}

/**
 * Turns one record into bytes that decode on their own. Sorting reorders records, so an encoding whose
 * records refer to earlier ones (msgpack record structures, any stateful RecordSerializer) does not do.
 */
export interface SortCodec {
  encode(value: unknown): Uint8Array;
  decode(bytes: Buffer): unknown;
}

/** Plain msgpack without record structures: each record carries its own keys. For records that crossed the network as msgpack. */
export function msgpackSortCodec(): SortCodec {
  const packr = new Packr({ useRecords: false });
  const unpackr = new Unpackr({ useRecords: false, copyBuffers: true });
  return { encode: (value) => packr.pack(value), decode: (bytes) => unpackr.unpack(bytes) };
}

/** Any RecordSerializer, one fresh encoder and decoder per record (slower: for edges with a serializer of their own). */
export function serializerSortCodec(serializer: RecordSerializer<unknown>): SortCodec {
  const scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
  return {
    encode: (value) => {
      const encoder = serializer.createEncoder();
      const end = encoder.encodeInto(value, scratch, 0, SCRATCH_BYTES);
      return Uint8Array.prototype.slice.call(end >= 0 ? scratch.subarray(0, end) : encoder.overflow());
    },
    decode: (bytes) => serializer.createDecoder().decode(bytes, 0, bytes.length),
  };
}

export interface KeySorterOptions {
  readonly codec: SortCodec;
  /** Most bytes of serialised records (and their keys) held in memory before a sorted run is spilled to disk. */
  readonly memoryBytes: number;
  /** The directory spilled runs go to (created by the caller); asked for on the first spill only. */
  readonly spillDirectory: () => string;
  /** Names the spill files (unique per sorter in the directory). */
  readonly name: string;
  /**
   * Combines two records of one key into one (the operator's combiner): while buffering, the sorter
   * keeps one record per key, folding later ones into it in arrival order. Runs hold one record per
   * key then, and the merge hands out a key's records run by run.
   */
  readonly combine?: (a: unknown, b: unknown) => unknown;
}

/** Writing or reading a spilled run failed (disk full, file gone). */
export class SortSpillError extends FlottError {
  constructor(message: string, path: string, options?: { cause?: unknown }) {
    super('SORT_SPILL_FAILED', message, { path }, options);
  }
}

/** A record in memory (its value, as it arrived) or read back from a spilled run (its bytes). */
interface Entry {
  readonly key: string;
  readonly value?: unknown;
  readonly bytes?: Uint8Array;
  readonly timestamp: number;
}

const SCRATCH_BYTES = 64 * 1024;
/** Bytes each spilled run reads ahead while merging. */
const RUN_READ_BYTES = 64 * 1024;
/** Bookkeeping per buffered record on top of its bytes (object, key string). */
const ENTRY_OVERHEAD = 64;

/**
 * Groups the records of a bounded input by key for BATCH execution (Flink's SortingDataInput with its
 * external sorter): records are kept as they arrived up to `memoryBytes` (their estimated size); a full
 * buffer is sorted by key, serialised and spilled to a file as one run; at the end the runs and what
 * is still in memory are merged,
 * so all records of one key come out together, in key order (the order of the canonical key
 * strings), each key's records in arrival order. Memory stays at `memoryBytes` plus one read-ahead
 * buffer per run, whatever the input's size. Synchronous I/O on the task's own loop, in bounded steps.
 */
export class KeySorter {
  private entries: Entry[] = [];
  /** With a combiner: the buffered entry of each key, by key. */
  private readonly buffered = new Map<string, number>();
  private bufferedBytes = 0;
  private readonly runs: string[] = [];
  private merger: RunMerger | undefined;
  private readonly out: SortedRecord = { key: '', value: undefined, timestamp: NO_TIMESTAMP };
  /** Arrival counter: entries with equal keys keep their order (Array.prototype.sort is stable). */
  private added = 0;

  constructor(private readonly opts: KeySorterOptions) {}

  /** Records added so far. */
  get size(): number {
    return this.added;
  }

  /** Runs spilled to disk so far. */
  get spilledRuns(): number {
    return this.runs.length;
  }

  add(key: string, value: unknown, timestamp: number): void {
    if (this.merger) throw new Error('Assertion failed: KeySorter.add after the input ended');
    const combine = this.opts.combine;
    if (combine) {
      const at = this.buffered.get(key);
      if (at !== undefined) {
        const entry = this.entries[at];
        this.entries[at] = { key, value: combine(entry.value, value), timestamp: Math.max(entry.timestamp, timestamp) };
        this.added++;
        return;
      }
      this.buffered.set(key, this.entries.length);
    }
    this.entries.push({ key, value, timestamp });
    this.bufferedBytes += estimateSize(value, 0) + key.length * 2 + ENTRY_OVERHEAD;
    this.added++;
    if (this.bufferedBytes >= this.opts.memoryBytes) this.spill();
  }

  /** The input ended: from now on `next` hands the records out grouped by key. */
  endInput(): void {
    if (this.merger) return;
    sortByKey(this.entries);
    this.merger = new RunMerger(this.runs.map((path) => new RunReader(path)), this.entries);
    this.entries = [];
    this.buffered.clear();
    this.bufferedBytes = 0;
  }

  /** The next record in key order, or undefined when all were handed out. */
  next(): SortedRecord | undefined {
    const merger = this.merger;
    if (!merger) throw new Error('Assertion failed: KeySorter.next before endInput');
    const entry = merger.next();
    if (!entry) return undefined;
    this.out.key = entry.key;
    this.out.timestamp = entry.timestamp;
    const bytes = entry.bytes;
    this.out.value = bytes === undefined ? entry.value : this.opts.codec.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return this.out;
  }

  /** Deletes the spilled runs (also when the task failed midway). */
  close(): void {
    this.merger?.close();
    for (const path of this.runs) rmSync(path, { force: true });
    this.entries = [];
  }

  private spill(): void {
    sortByKey(this.entries);
    const path = join(this.opts.spillDirectory(), `${this.opts.name.replace(/[^A-Za-z0-9_.-]/g, '_')}.sort-${this.runs.length}.run`);
    this.runs.push(path);
    let fd: number | undefined;
    try {
      fd = openSync(path, 'w');
      writeRun(fd, this.entries, this.opts.codec);
    } catch (e) {
      throw new SortSpillError(`Cannot spill sorted records to ${path}: ${(e as Error).message}`, path, { cause: e });
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    this.entries = [];
    this.buffered.clear();
    this.bufferedBytes = 0;
  }
}

function sortByKey(entries: Entry[]): void {
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Run format: per record [u32 key bytes][key utf8][f64 timestamp][u32 value bytes][value bytes], little endian. */
function writeRun(fd: number, entries: readonly Entry[], codec: SortCodec): void {
  const chunk = Buffer.allocUnsafe(RUN_READ_BYTES);
  let pos = 0;
  const flush = (): void => {
    if (pos > 0) writeSync(fd, chunk, 0, pos);
    pos = 0;
  };
  for (const e of entries) {
    const key = Buffer.from(e.key, 'utf8');
    const bytes = codec.encode(e.value);
    const size = 16 + key.length + bytes.length;
    if (pos + size > chunk.length) flush();
    if (size > chunk.length) {
      const big = Buffer.allocUnsafe(size);
      writeEntry(big, 0, key, e.timestamp, bytes);
      writeSync(fd, big);
      continue;
    }
    pos = writeEntry(chunk, pos, key, e.timestamp, bytes);
  }
  flush();
}

function writeEntry(target: Buffer, at: number, key: Buffer, timestamp: number, bytes: Uint8Array): number {
  target.writeUInt32LE(key.length, at);
  key.copy(target, at + 4);
  let pos = at + 4 + key.length;
  target.writeDoubleLE(timestamp, pos);
  target.writeUInt32LE(bytes.length, pos + 8);
  target.set(bytes, pos + 12);
  pos += 12 + bytes.length;
  return pos;
}

/** Deeper than this, a value counts as a fixed size (records are not that deep in practice). */
const MAX_SIZE_DEPTH = 8;

/**
 * An estimate of the heap a record takes, for the sort buffer's bound: V8's sizes of strings, numbers,
 * arrays and objects (their property names live in shared hidden classes and are not counted).
 */
function estimateSize(value: unknown, depth: number): number {
  switch (typeof value) {
    case 'string':
      return 16 + value.length;
    case 'number':
    case 'boolean':
    case 'undefined':
      return 8;
    case 'bigint':
      return 24;
    case 'object': {
      if (value === null) return 8;
      if (depth >= MAX_SIZE_DEPTH) return 64;
      if (ArrayBuffer.isView(value)) return 64 + value.byteLength;
      let size = 32;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) size += 8 + estimateSize(value[i], depth + 1);
        return size;
      }
      for (const k in value) size += 8 + estimateSize((value as Record<string, unknown>)[k], depth + 1);
      return size;
    }
    default:
      return 64;
  }
}

/** Reads a spilled run sequentially, one entry at a time, through a bounded read-ahead buffer. */
class RunReader {
  private fd: number | undefined;
  private buf = Buffer.allocUnsafe(RUN_READ_BYTES);
  private start = 0;
  private end = 0;
  private fileOffset = 0;
  head: Entry | undefined;

  constructor(private readonly path: string) {
    try {
      this.fd = openSync(path, 'r');
    } catch (e) {
      throw new SortSpillError(`Cannot read the spilled run ${path}: ${(e as Error).message}`, path, { cause: e });
    }
    this.advance();
  }

  /** Moves `head` to the next entry (undefined at the end of the run). */
  advance(): void {
    if (!this.ensure(4)) return this.finish();
    const keyLength = this.buf.readUInt32LE(this.start);
    if (!this.ensure(16 + keyLength)) throw new SortSpillError(`The spilled run ${this.path} ends inside a record`, this.path);
    const valueLength = this.buf.readUInt32LE(this.start + 12 + keyLength);
    const total = 16 + keyLength + valueLength;
    if (!this.ensure(total)) throw new SortSpillError(`The spilled run ${this.path} ends inside a record`, this.path);
    const at = this.start;
    const key = this.buf.toString('utf8', at + 4, at + 4 + keyLength);
    const timestamp = this.buf.readDoubleLE(at + 4 + keyLength);
    const bytes = Uint8Array.prototype.slice.call(this.buf, at + 16 + keyLength, at + total);
    this.start += total;
    this.head = { key, bytes, timestamp };
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private finish(): void {
    this.head = undefined;
    this.close();
  }

  /** Whether `n` bytes are buffered from `start` (reading more, growing the buffer for a record larger than it). */
  private ensure(n: number): boolean {
    if (this.end - this.start >= n) return true;
    if (this.fd === undefined) return false;
    if (n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(n);
      this.buf.copy(bigger, 0, this.start, this.end);
      this.buf = bigger;
    } else {
      this.buf.copy(this.buf, 0, this.start, this.end);
    }
    this.end -= this.start;
    this.start = 0;
    while (this.end < n) {
      const read = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, this.fileOffset);
      if (read === 0) break;
      this.end += read;
      this.fileOffset += read;
    }
    return this.end - this.start >= n;
  }
}

/**
 * Merges the spilled runs and the last in-memory run, each sorted by key: the smallest key first; equal
 * keys from earlier runs first, so each key's records keep their arrival order. Runs are few (input size
 * / memory), so the smallest head is found by a scan.
 */
class RunMerger {
  private memoryAt = 0;

  constructor(
    private readonly runs: RunReader[],
    private readonly memory: readonly Entry[],
  ) {}

  next(): Entry | undefined {
    let best: RunReader | undefined;
    for (const r of this.runs) if (r.head && (!best || r.head.key < best.head!.key)) best = r;
    const fromMemory = this.memory[this.memoryAt];
    if (fromMemory && (!best || fromMemory.key < best.head!.key)) {
      this.memoryAt++;
      return fromMemory;
    }
    if (!best) return undefined;
    const entry = best.head!;
    best.advance();
    return entry;
  }

  close(): void {
    for (const r of this.runs) r.close();
  }
}
