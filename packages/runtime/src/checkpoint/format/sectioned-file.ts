import { crc32 } from 'zlib';
import { assert } from '@flott/core';
import { CorruptCheckpointError } from '../../errors';
import { concatChunks } from '../../snapshot/state-bytes';

// The framing every checkpoint file kind shares (docs/checkpoint-format.md): a fixed preamble (magic,
// version, length, its own CRC-32), a header with the kind's fields and an index of sections (id,
// offset, length, CRC-32), then the sections back to back. A reader checks the preamble and header
// first and each section's checksum only when it reads that section, so a ranged read of a few key
// groups verifies exactly the bytes it uses. All integers are big-endian.
//
// The streamed layout (keyed state files from version 2) moves the header behind the sections, as a
// footer closed by a fixed trailer: a writer that produces a key group's section at a time (the
// asynchronous part of a snapshot) can hand each chunk to the storage as it is made, without knowing
// the file's length or index in advance.

/** What one file kind declares: its magic, the format version this build writes, and its header fields. */
export interface CheckpointFileKind {
  /** Four ASCII characters at offset 0. */
  readonly magic: string;
  /** For messages: "keyed state file". */
  readonly description: string;
  readonly version: number;
  /** Older versions this build still reads (same header fields; the codec tells the section layouts apart). */
  readonly readsVersions?: readonly number[];
  /** How many u32 fields the header carries in this version. */
  readonly fieldCount: number;
  /** The oldest version a reader still reads (the layout of every version of a kind has the same fields). */
  readonly oldestVersion: number;
  /** The first version in the streamed layout (footer and trailer after the sections); undefined: none is. */
  readonly streamedSince?: number;
}

export const KEYED_STATE_FILE: CheckpointFileKind = { magic: 'FLTK', description: 'keyed state file', version: 4, fieldCount: 3, oldestVersion: 1, streamedSince: 2 };
export const OPERATOR_STATE_FILE: CheckpointFileKind = { magic: 'FLTO', description: 'operator state file', version: 2, fieldCount: 0, oldestVersion: 1 };
export const CHECKPOINT_METADATA_FILE: CheckpointFileKind = { magic: 'FLTM', description: 'checkpoint metadata file', version: 4, fieldCount: 0, oldestVersion: 1 };
export const CHANNEL_STATE_FILE: CheckpointFileKind = { magic: 'FLTC', description: 'channel state file', version: 2, fieldCount: 0, oldestVersion: 1 };
const KINDS = [KEYED_STATE_FILE, OPERATOR_STATE_FILE, CHECKPOINT_METADATA_FILE, CHANNEL_STATE_FILE];

export interface Section {
  /** The key group for keyed state; 0 for the single section of the other kinds. */
  readonly id: number;
  readonly bytes: Uint8Array;
}

export interface SectionIndexEntry {
  readonly id: number;
  readonly offset: number;
  readonly length: number;
  readonly crc: number;
}

const PREAMBLE_BYTES = 20;
const INDEX_ENTRY_BYTES = 20;
/** Streamed layout: footer offset (u64), file length (u64), CRC-32 of the footer and these two fields. */
const TRAILER_BYTES = 20;
/** How far back from the end a reader looks for the trailer of a streamed file that has bytes appended. */
const APPENDED_SEARCH_BYTES = 1 << 16;
/** Preamble, field count, section count, header CRC: the header of a kind without fields or sections. */
const MIN_FILE_BYTES = PREAMBLE_BYTES + 4 + 4 + 4;
const U32_MAX = 0xffff_ffff;

function isU32(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= U32_MAX;
}

/**
 * Lays out a file of `kind` in one array: in the layout of `version` (the newest by default; older
 * ones for tests that a reader still reads them).
 */
export function writeSectionedFile(kind: CheckpointFileKind, fields: readonly number[], sections: readonly Section[], version = kind.version): Uint8Array {
  if (isStreamed(kind, version)) return concatChunks([...sectionedFileChunks(kind, fields, sections, version)]);
  assert(fields.length === kind.fieldCount && fields.every(isU32), `${kind.description}: header fields ${fields.join(', ')} do not fit the layout`);
  const headerEnd = PREAMBLE_BYTES + 4 + 4 * fields.length + 4 + INDEX_ENTRY_BYTES * sections.length + 4;
  let length = headerEnd;
  for (const s of sections) {
    assert(isU32(s.id) && s.bytes.byteLength <= U32_MAX, `${kind.description}: section ${s.id} does not fit the layout`);
    length += s.bytes.byteLength;
  }
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  writePreamble(out, kind, version, length);
  let at = PREAMBLE_BYTES;
  let offset = headerEnd;
  const index: SectionIndexEntry[] = [];
  for (const s of sections) {
    index.push({ id: s.id, offset, length: s.bytes.byteLength, crc: crc32(s.bytes) });
    out.set(s.bytes, offset);
    offset += s.bytes.byteLength;
  }
  at = writeHeader(view, at, fields, index);
  view.setUint32(at, crc32(out.subarray(PREAMBLE_BYTES, at)));
  return out;
}

/**
 * A file of `kind` in the streamed layout of its newest version (or an older `version` in that
 * layout, for tests), as chunks in order: the preamble, each section as `sections` yields it (the
 * arrays themselves, not copies), then footer and trailer. Holds only the index while it runs, so
 * the caller bounds the memory by the size of one section.
 */
export function* sectionedFileChunks(kind: CheckpointFileKind, fields: readonly number[], sections: Iterable<Section>, version = kind.version): Generator<Uint8Array> {
  assert(isStreamed(kind, version), `${kind.description} version ${version} is not in the streamed layout`);
  assert(fields.length === kind.fieldCount && fields.every(isU32), `${kind.description}: header fields ${fields.join(', ')} do not fit the layout`);
  const preamble = new Uint8Array(PREAMBLE_BYTES);
  // The length is not known yet: 0 here, the trailer records it.
  writePreamble(preamble, kind, version, 0);
  yield preamble;
  const index: SectionIndexEntry[] = [];
  let offset = PREAMBLE_BYTES;
  for (const s of sections) {
    assert(isU32(s.id) && s.bytes.byteLength <= U32_MAX, `${kind.description}: section ${s.id} does not fit the layout`);
    index.push({ id: s.id, offset, length: s.bytes.byteLength, crc: crc32(s.bytes) });
    offset += s.bytes.byteLength;
    if (s.bytes.byteLength > 0) yield s.bytes;
  }
  const footer = new Uint8Array(4 + 4 * fields.length + 4 + INDEX_ENTRY_BYTES * index.length + TRAILER_BYTES);
  const view = new DataView(footer.buffer);
  const at = writeHeader(view, 0, fields, index);
  view.setBigUint64(at, BigInt(offset));
  view.setBigUint64(at + 8, BigInt(offset + footer.byteLength));
  view.setUint32(at + 16, crc32(footer.subarray(0, at + 16)));
  yield footer;
}

function isStreamed(kind: CheckpointFileKind, version: number): boolean {
  return kind.streamedSince !== undefined && version >= kind.streamedSince;
}

function writePreamble(out: Uint8Array, kind: CheckpointFileKind, version: number, length: number): void {
  const view = new DataView(out.buffer, out.byteOffset, PREAMBLE_BYTES);
  for (let i = 0; i < 4; i++) out[i] = kind.magic.charCodeAt(i);
  view.setUint16(4, version);
  view.setUint16(6, 0);
  view.setBigUint64(8, BigInt(length));
  view.setUint32(16, crc32(out.subarray(0, 16)));
}

/** Field count, fields, section count and index from `at`; returns where they end. */
function writeHeader(view: DataView, at: number, fields: readonly number[], index: readonly SectionIndexEntry[]): number {
  view.setUint32(at, fields.length);
  at += 4;
  for (const f of fields) {
    view.setUint32(at, f);
    at += 4;
  }
  view.setUint32(at, index.length);
  at += 4;
  for (const e of index) {
    view.setUint32(at, e.id);
    view.setBigUint64(at + 4, BigInt(e.offset));
    view.setUint32(at + 12, e.length);
    view.setUint32(at + 16, e.crc);
    at += INDEX_ENTRY_BYTES;
  }
  return at;
}

/**
 * A checked view of one file's bytes. `open` verifies magic, version, length and the header's
 * checksum and that the sections tile the rest of the file; `section` verifies a section's checksum
 * when it is read. Every failure is a CorruptCheckpointError naming the file.
 */
export class SectionedFileReader {
  private constructor(
    readonly file: string,
    readonly kind: CheckpointFileKind,
    /** The format version the file was written in. */
    readonly version: number,
    private readonly bytes: Uint8Array,
    readonly fields: readonly number[],
    readonly index: readonly SectionIndexEntry[],
  ) {}

  static open(bytes: Uint8Array, file: string, kind: CheckpointFileKind): SectionedFileReader {
    const fail = (reason: string): never => {
      throw new CorruptCheckpointError(file, reason);
    };
    if (bytes.byteLength < 4) fail(`the file is ${bytes.byteLength} bytes long, too short to be a ${kind.description} (truncated or empty)`);
    const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
    if (magic !== kind.magic) {
      const other = KINDS.find((k) => k.magic === magic);
      fail(other ? `it is ${withArticle(other.description)}, not ${withArticle(kind.description)}` : `not a Flott ${kind.description} (magic ${describeMagic(bytes)}, expected '${kind.magic}')`);
    }
    if (bytes.byteLength < MIN_FILE_BYTES) fail(`truncated: the file ends inside its header (${bytes.byteLength} bytes)`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // The preamble's own checksum comes before the version check, so a damaged version field reads as damage.
    if (view.getUint32(16) !== crc32(bytes.subarray(0, 16))) fail('checksum mismatch in the preamble (magic, version, length): the file was altered');
    const version = view.getUint16(4);
    if (version < kind.oldestVersion || version > kind.version) {
      const reads = kind.oldestVersion === kind.version ? `version ${kind.version}` : `versions ${kind.oldestVersion} to ${kind.version}`;
      fail(`unsupported format version ${version} of the ${kind.description} (this build reads ${reads})` +
        (version > kind.version ? ': it was written by a newer Flott' : ''));
    }
    if (view.getUint16(6) !== 0) fail(`reserved flags ${view.getUint16(6)} are set; version ${version} defines none`);
    const streamed = isStreamed(kind, version);
    const { headerStart, sectionsEnd } = streamed ? checkTrailer(view, bytes, fail) : checkLength(view, bytes, fail);

    // The layout follows from the version: the stored field count is checked once the checksum vouches for it.
    let at = headerStart;
    const fieldCount = view.getUint32(at);
    at += 4;
    const fields: number[] = [];
    for (let i = 0; i < kind.fieldCount && at + 4 <= bytes.byteLength; i++, at += 4) fields.push(view.getUint32(at));
    const count = at + 4 <= bytes.byteLength ? view.getUint32(at) : 0;
    at += 4;
    const headerEnd = at + INDEX_ENTRY_BYTES * count + (streamed ? TRAILER_BYTES : 4);
    if (headerEnd > bytes.byteLength || (streamed && headerEnd !== bytes.byteLength)) {
      fail(`header damaged: an index of ${count} sections does not fit in ${bytes.byteLength} bytes`);
    }
    if (!streamed && view.getUint32(headerEnd - 4) !== crc32(bytes.subarray(PREAMBLE_BYTES, headerEnd - 4))) {
      fail('checksum mismatch in the header (fields and section index): the file was altered');
    }
    if (fieldCount !== kind.fieldCount) fail(`${fieldCount} header fields where version ${version} has ${kind.fieldCount}`);
    const index: SectionIndexEntry[] = [];
    let expectedOffset = streamed ? PREAMBLE_BYTES : headerEnd;
    for (let i = 0; i < count; i++, at += INDEX_ENTRY_BYTES) {
      const entry = { id: view.getUint32(at), offset: Number(view.getBigUint64(at + 4)), length: view.getUint32(at + 12), crc: view.getUint32(at + 16) };
      // Checked by the header CRC already; a mismatch here means a writer that broke the layout.
      if (entry.offset !== expectedOffset) fail(`section ${i} starts at ${entry.offset}, expected ${expectedOffset}`);
      expectedOffset += entry.length;
      index.push(entry);
    }
    const end = streamed ? sectionsEnd : bytes.byteLength;
    if (expectedOffset !== end) fail(`the sections end at ${expectedOffset}, the ${streamed ? 'footer starts' : 'file ends'} at ${end}`);
    return new SectionedFileReader(file, kind, version, bytes, fields, index);
  }

  /** The bytes of the `i`-th section of the index, after checking its checksum. */
  section(i: number): Uint8Array {
    const entry = this.index[i];
    const bytes = this.bytes.subarray(entry.offset, entry.offset + entry.length);
    if (crc32(bytes) !== entry.crc) this.fail(`checksum mismatch in section ${i} (id ${entry.id}, bytes ${entry.offset}..${entry.offset + entry.length}): the file was altered`);
    return bytes;
  }

  fail(reason: string): never {
    throw new CorruptCheckpointError(this.file, reason);
  }
}

type Fail = (reason: string) => never;

/** Header-first layout: the preamble's length is the file's; the header starts after the preamble. */
function checkLength(view: DataView, bytes: Uint8Array, fail: Fail): { headerStart: number; sectionsEnd: number } {
  const recordedLength = view.getBigUint64(8);
  if (recordedLength !== BigInt(bytes.byteLength)) {
    fail(recordedLength > BigInt(bytes.byteLength)
      ? `truncated: the file is ${bytes.byteLength} bytes, its header says ${recordedLength}`
      : `${BigInt(bytes.byteLength) - recordedLength} unexpected bytes after the end its header records (${recordedLength} bytes)`);
  }
  return { headerStart: PREAMBLE_BYTES, sectionsEnd: bytes.byteLength };
}

/**
 * Streamed layout: the preamble's length is 0 and the trailer (the last 20 bytes) says where the
 * footer starts and how long the file is, under a checksum that covers the whole footer. A file cut
 * short or altered ends in bytes that are no trailer; one with bytes appended has its trailer earlier,
 * which is searched for (in the last 64 KiB) only to say so.
 */
function checkTrailer(view: DataView, bytes: Uint8Array, fail: Fail): { headerStart: number; sectionsEnd: number } {
  if (view.getBigUint64(8) !== 0n) fail(`header damaged: the preamble of a streamed file records length ${view.getBigUint64(8)}, not 0`);
  const footerAt = (end: number): number | undefined => {
    if (end < PREAMBLE_BYTES + 8 + TRAILER_BYTES) return undefined;
    const footer = Number(view.getBigUint64(end - TRAILER_BYTES));
    const length = view.getBigUint64(end - TRAILER_BYTES + 8);
    if (length !== BigInt(end) || footer < PREAMBLE_BYTES || footer > end - TRAILER_BYTES - 8) return undefined;
    return view.getUint32(end - 4) === crc32(bytes.subarray(footer, end - 4)) ? footer : undefined;
  };
  if (bytes.byteLength < PREAMBLE_BYTES + 8 + TRAILER_BYTES) fail(`truncated: the file ends inside its header (${bytes.byteLength} bytes)`);
  const footer = footerAt(bytes.byteLength);
  if (footer !== undefined) return { headerStart: footer, sectionsEnd: footer };
  for (let end = bytes.byteLength - 1; end >= Math.max(0, bytes.byteLength - APPENDED_SEARCH_BYTES); end--) {
    if (footerAt(end) !== undefined) fail(`${bytes.byteLength - end} unexpected bytes after the end its trailer records (${end} bytes)`);
  }
  return fail('checksum mismatch in the trailer (footer offset, length and footer checksum): the file was truncated or altered');
}

function withArticle(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

function describeMagic(bytes: Uint8Array): string {
  const printable = [0, 1, 2, 3].every((i) => bytes[i] >= 0x20 && bytes[i] < 0x7f);
  return printable
    ? `'${String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3])}'`
    : `0x${Buffer.from(bytes.subarray(0, 4)).toString('hex')}`;
}
