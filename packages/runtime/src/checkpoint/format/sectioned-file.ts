import { crc32 } from 'zlib';
import { assert } from '@flott/core';
import { CorruptCheckpointError } from '../../errors';

// The framing every checkpoint file kind shares (docs/checkpoint-format.md): a fixed preamble (magic,
// version, length, its own CRC-32), a header with the kind's fields and an index of sections (id,
// offset, length, CRC-32), then the sections back to back. A reader checks the preamble and header
// first and each section's checksum only when it reads that section, so a ranged read of a few key
// groups verifies exactly the bytes it uses. All integers are big-endian.

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
}

export const KEYED_STATE_FILE: CheckpointFileKind = { magic: 'FLTK', description: 'keyed state file', version: 1, fieldCount: 3 };
export const OPERATOR_STATE_FILE: CheckpointFileKind = { magic: 'FLTO', description: 'operator state file', version: 1, fieldCount: 0 };
// Version 2 added the operator coordinators' state (docs/checkpoint-format.md); version 1 files still restore.
export const CHECKPOINT_METADATA_FILE: CheckpointFileKind = { magic: 'FLTM', description: 'checkpoint metadata file', version: 2, readsVersions: [1], fieldCount: 0 };
const KINDS = [KEYED_STATE_FILE, OPERATOR_STATE_FILE, CHECKPOINT_METADATA_FILE];

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
/** Preamble, field count, section count, header CRC: the header of a kind without fields or sections. */
const MIN_FILE_BYTES = PREAMBLE_BYTES + 4 + 4 + 4;
const U32_MAX = 0xffff_ffff;

function isU32(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= U32_MAX;
}

/** Lays out a file of `kind`: preamble, header (fields, section index), sections in the order given. */
export function writeSectionedFile(kind: CheckpointFileKind, fields: readonly number[], sections: readonly Section[]): Uint8Array {
  assert(fields.length === kind.fieldCount && fields.every(isU32), `${kind.description}: header fields ${fields.join(', ')} do not fit the layout`);
  const headerEnd = PREAMBLE_BYTES + 4 + 4 * fields.length + 4 + INDEX_ENTRY_BYTES * sections.length + 4;
  let length = headerEnd;
  for (const s of sections) {
    assert(isU32(s.id) && s.bytes.byteLength <= U32_MAX, `${kind.description}: section ${s.id} does not fit the layout`);
    length += s.bytes.byteLength;
  }
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = kind.magic.charCodeAt(i);
  view.setUint16(4, kind.version);
  view.setUint16(6, 0);
  view.setBigUint64(8, BigInt(length));
  view.setUint32(16, crc32(out.subarray(0, 16)));
  let at = PREAMBLE_BYTES;
  view.setUint32(at, fields.length);
  at += 4;
  for (const f of fields) {
    view.setUint32(at, f);
    at += 4;
  }
  view.setUint32(at, sections.length);
  at += 4;
  let offset = headerEnd;
  for (const s of sections) {
    view.setUint32(at, s.id);
    view.setBigUint64(at + 4, BigInt(offset));
    view.setUint32(at + 12, s.bytes.byteLength);
    view.setUint32(at + 16, crc32(s.bytes));
    out.set(s.bytes, offset);
    offset += s.bytes.byteLength;
    at += INDEX_ENTRY_BYTES;
  }
  view.setUint32(at, crc32(out.subarray(PREAMBLE_BYTES, at)));
  return out;
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
    /** The format version the file was written in (the kind's, or one of its readsVersions). */
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
    const readable = [...(kind.readsVersions ?? []), kind.version];
    if (!readable.includes(version)) {
      fail(`unsupported format version ${version} of the ${kind.description} (this build reads version${readable.length > 1 ? 's' : ''} ${readable.join(', ')})` +
        (version > kind.version ? ': it was written by a newer Flott' : ''));
    }
    if (view.getUint16(6) !== 0) fail(`reserved flags ${view.getUint16(6)} are set; version ${version} defines none`);
    const recordedLength = view.getBigUint64(8);
    if (recordedLength !== BigInt(bytes.byteLength)) {
      fail(recordedLength > BigInt(bytes.byteLength)
        ? `truncated: the file is ${bytes.byteLength} bytes, its header says ${recordedLength}`
        : `${BigInt(bytes.byteLength) - recordedLength} unexpected bytes after the end its header records (${recordedLength} bytes)`);
    }

    // The layout follows from the version: the stored field count is checked once the checksum vouches for it.
    let at = PREAMBLE_BYTES;
    const fieldCount = view.getUint32(at);
    at += 4;
    const fields: number[] = [];
    for (let i = 0; i < kind.fieldCount && at + 4 <= bytes.byteLength; i++, at += 4) fields.push(view.getUint32(at));
    const count = at + 4 <= bytes.byteLength ? view.getUint32(at) : 0;
    at += 4;
    const headerEnd = at + INDEX_ENTRY_BYTES * count + 4;
    if (headerEnd > bytes.byteLength) fail(`header damaged: an index of ${count} sections does not fit in ${bytes.byteLength} bytes`);
    if (view.getUint32(headerEnd - 4) !== crc32(bytes.subarray(PREAMBLE_BYTES, headerEnd - 4))) {
      fail('checksum mismatch in the header (fields and section index): the file was altered');
    }
    if (fieldCount !== kind.fieldCount) fail(`${fieldCount} header fields where version ${version} has ${kind.fieldCount}`);
    const index: SectionIndexEntry[] = [];
    let expectedOffset = headerEnd;
    for (let i = 0; i < count; i++, at += INDEX_ENTRY_BYTES) {
      const entry = { id: view.getUint32(at), offset: Number(view.getBigUint64(at + 4)), length: view.getUint32(at + 12), crc: view.getUint32(at + 16) };
      // Checked by the header CRC already; a mismatch here means a writer that broke the layout.
      if (entry.offset !== expectedOffset) fail(`section ${i} starts at ${entry.offset}, expected ${expectedOffset}`);
      expectedOffset += entry.length;
      index.push(entry);
    }
    if (expectedOffset !== bytes.byteLength) fail(`the sections end at ${expectedOffset}, the file at ${bytes.byteLength}`);
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

function withArticle(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

function describeMagic(bytes: Uint8Array): string {
  const printable = [0, 1, 2, 3].every((i) => bytes[i] >= 0x20 && bytes[i] < 0x7f);
  return printable
    ? `'${String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3])}'`
    : `0x${Buffer.from(bytes.subarray(0, 4)).toString('hex')}`;
}
