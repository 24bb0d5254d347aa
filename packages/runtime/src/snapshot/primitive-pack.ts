// A fast path for packing the sections of checkpoint files whose values are plain arrays of
// primitives (keyed state of counters, ids, sums, strings: the common case, and the bulk of a large
// snapshot). It writes the exact bytes the msgpackr Packr of state-values.ts writes for such values
// (primitive-pack.spec.ts compares them), so the files stay in their format version and any reader
// decodes them (Buffers too: bin); anything else (objects, Maps, BigInt, other typed arrays, lone surrogates in a long string)
// makes it give up, and the caller packs with msgpackr. The gain is msgpackr's per-value dispatch and
// its record bookkeeping, and (checkpoint/format/key-group-section.ts) entries written as the backend visits them.
//
// Positive integers 0x40–0x7f are written as uint8, not fixint, because the Packr's `sequential`
// records use those bytes as record references (an Unpackr would read them so).

/** Nesting of arrays beyond which the fast path gives up (and msgpackr reports a cycle if there is one). */
const MAX_DEPTH = 16;

/**
 * Writes msgpack into one growing buffer (it grows to the largest section written and stays: a slot
 * thread packs one section at a time). `write*` return false when a value is not for the fast path;
 * the bytes written so far are then meaningless.
 */
export class PrimitiveMsgpackWriter {
  private buf: Buffer;
  private view: DataView;
  pos = 0;

  constructor(initialBytes = 1 << 16) {
    this.buf = Buffer.allocUnsafeSlow(initialBytes);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** Bytes the buffer holds now. */
  get capacity(): number {
    return this.buf.length;
  }

  /** The bytes from `start` to the current position, as a new array. */
  copy(start = 0, end = this.pos): Uint8Array {
    const out = new Uint8Array(end - start);
    out.set(this.buf.subarray(start, end));
    return out;
  }

  /** The bytes from `start` to `end`, without a copy (valid until the next write). */
  bytesView(start: number, end: number): Uint8Array {
    return this.buf.subarray(start, end);
  }

  /** Appends bytes (written by another writer). */
  append(bytes: Uint8Array): void {
    this.ensure(bytes.byteLength);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.byteLength;
  }

  write(value: unknown, depth = 0): boolean {
    switch (typeof value) {
      case 'number':
        this.writeNumber(value);
        return true;
      case 'string':
        return this.writeString(value);
      case 'boolean':
        this.ensure(1);
        this.buf[this.pos++] = value ? 0xc3 : 0xc2;
        return true;
      case 'undefined':
        this.writeUndefined();
        return true;
      case 'object':
        if (value === null) {
          this.ensure(1);
          this.buf[this.pos++] = 0xc0;
          return true;
        }
        if ((value as object).constructor === Array) return depth < MAX_DEPTH && this.writeArray(value as unknown[], depth);
        // A Buffer is msgpack's bin (a custom state serializer's bytes); other typed arrays are msgpackr extensions.
        if (Buffer.isBuffer(value)) {
          this.writeBin(value);
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  /** bin 8, 16 or 32 and the bytes. */
  writeBin(bytes: Uint8Array): void {
    const length = bytes.byteLength;
    this.ensure(5 + length);
    const buf = this.buf;
    if (length < 0x100) {
      buf[this.pos++] = 0xc4;
      buf[this.pos++] = length;
    } else if (length < 0x10000) {
      buf[this.pos++] = 0xc5;
      buf[this.pos++] = length >> 8;
      buf[this.pos++] = length & 0xff;
    } else {
      buf[this.pos++] = 0xc6;
      this.view.setUint32(this.pos, length);
      this.pos += 4;
    }
    buf.set(bytes, this.pos);
    this.pos += length;
  }

  /** msgpackr's undefined: fixext 1, type 0, data 0. */
  writeUndefined(): void {
    this.ensure(3);
    this.buf[this.pos++] = 0xd4;
    this.buf[this.pos++] = 0;
    this.buf[this.pos++] = 0;
  }

  writeArrayHeader(length: number): void {
    this.ensure(5);
    const buf = this.buf;
    if (length < 0x10) {
      buf[this.pos++] = 0x90 | length;
    } else if (length < 0x10000) {
      buf[this.pos++] = 0xdc;
      buf[this.pos++] = length >> 8;
      buf[this.pos++] = length & 0xff;
    } else {
      buf[this.pos++] = 0xdd;
      this.view.setUint32(this.pos, length);
      this.pos += 4;
    }
  }

  private writeArray(array: unknown[], depth: number): boolean {
    const length = array.length;
    this.writeArrayHeader(length);
    for (let i = 0; i < length; i++) if (!this.write(array[i], depth + 1)) return false;
    return true;
  }

  /** A key and a value, both numbers: a counter's entry in a keyed state file's (key, value) pairs. */
  writeNumberPair(key: number, value: number): void {
    this.ensure(18);
    const buf = this.buf;
    // Unsigned 32-bit integers (ids, counts) by a short path, small enough to inline.
    if (key >>> 0 === key && value >>> 0 === value) this.pos = putUint32(buf, putUint32(buf, this.pos, key), value);
    else this.pos = putNumber(buf, this.view, putNumber(buf, this.view, this.pos, key), value);
  }

  writeNumber(value: number): void {
    this.ensure(9);
    this.pos = putNumber(this.buf, this.view, this.pos, value);
  }

  /**
   * As msgpackr: a string of fewer than 64 UTF-16 units is encoded by hand (a lone surrogate as its
   * 3-byte form), a longer one natively (where a lone surrogate would become U+FFFD: given up on, so
   * the bytes stay msgpackr's). The header is sized for the length and the bytes moved when they need another.
   */
  writeString(value: string): boolean {
    const length = value.length;
    const headerSize = length < 0x20 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : 5;
    // Room for the largest header too: the bytes may need a longer one than the estimate.
    this.ensure(5 + length * 3);
    const buf = this.buf;
    const pos = this.pos;
    let at = pos + headerSize;
    if (length < 0x40) {
      for (let i = 0; i < length; i++) {
        let c1 = value.charCodeAt(i);
        let c2: number;
        if (c1 < 0x80) {
          buf[at++] = c1;
        } else if (c1 < 0x800) {
          buf[at++] = (c1 >> 6) | 0xc0;
          buf[at++] = (c1 & 0x3f) | 0x80;
        } else if ((c1 & 0xfc00) === 0xd800 && ((c2 = value.charCodeAt(i + 1)) & 0xfc00) === 0xdc00) {
          c1 = 0x10000 + ((c1 & 0x03ff) << 10) + (c2 & 0x03ff);
          i++;
          buf[at++] = (c1 >> 18) | 0xf0;
          buf[at++] = ((c1 >> 12) & 0x3f) | 0x80;
          buf[at++] = ((c1 >> 6) & 0x3f) | 0x80;
          buf[at++] = (c1 & 0x3f) | 0x80;
        } else {
          buf[at++] = (c1 >> 12) | 0xe0;
          buf[at++] = ((c1 >> 6) & 0x3f) | 0x80;
          buf[at++] = (c1 & 0x3f) | 0x80;
        }
      }
    } else {
      if (!(value as string & { isWellFormed(): boolean }).isWellFormed()) return false;
      at += buf.write(value, at, 'utf8');
    }
    const bytes = at - pos - headerSize;
    const needed = bytes < 0x20 ? 1 : bytes < 0x100 ? 2 : bytes < 0x10000 ? 3 : 5;
    if (needed !== headerSize) buf.copyWithin(pos + needed, pos + headerSize, at);
    if (needed === 1) {
      buf[pos] = 0xa0 | bytes;
    } else if (needed === 2) {
      buf[pos] = 0xd9;
      buf[pos + 1] = bytes;
    } else if (needed === 3) {
      buf[pos] = 0xda;
      buf[pos + 1] = bytes >> 8;
      buf[pos + 2] = bytes & 0xff;
    } else {
      buf[pos] = 0xdb;
      this.view.setUint32(pos + 1, bytes);
    }
    this.pos = pos + needed + bytes;
    return true;
  }

  ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + bytes) size *= 2;
    const grown = Buffer.allocUnsafeSlow(size);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
  }
}

/**
 * Writes `value` at `pos` as msgpackr does (room for 9 bytes is the caller's); returns the position
 * after it. Unsigned 32-bit integers as positive fixint or uint 8/16/32, other 32-bit integers as
 * negative fixint or int 8/16/32, anything else as float 64.
 */
function putNumber(buf: Buffer, view: DataView, pos: number, value: number): number {
  if (value >>> 0 === value) return putUint32(buf, pos, value);
  if (value >> 0 === value) {
    if (value >= -0x20) {
      buf[pos] = 0x100 + value;
      return pos + 1;
    }
    if (value >= -0x80) {
      buf[pos] = 0xd0;
      buf[pos + 1] = value + 0x100;
      return pos + 2;
    }
    if (value >= -0x8000) {
      buf[pos] = 0xd1;
      view.setInt16(pos + 1, value);
      return pos + 3;
    }
    buf[pos] = 0xd2;
    view.setInt32(pos + 1, value);
    return pos + 5;
  }
  buf[pos] = 0xcb;
  view.setFloat64(pos + 1, value);
  return pos + 9;
}

/** An unsigned 32-bit integer as putNumber writes it. */
function putUint32(buf: Buffer, pos: number, value: number): number {
  if (value < 0x40) {
    buf[pos] = value;
    return pos + 1;
  }
  if (value < 0x100) {
    buf[pos] = 0xcc;
    buf[pos + 1] = value;
    return pos + 2;
  }
  if (value < 0x10000) {
    buf[pos] = 0xcd;
    buf[pos + 1] = value >> 8;
    buf[pos + 2] = value & 0xff;
    return pos + 3;
  }
  buf[pos] = 0xce;
  buf[pos + 1] = value >>> 24;
  buf[pos + 2] = (value >> 16) & 0xff;
  buf[pos + 3] = (value >> 8) & 0xff;
  buf[pos + 4] = value & 0xff;
  return pos + 5;
}

const INITIAL_BYTES = 1 << 16;
/** Above this the shared writer's buffer is not kept after a call (one large value must not pin its size for good). */
const KEPT_BYTES = 1 << 20;
let shared = new PrimitiveMsgpackWriter(INITIAL_BYTES);

/** The msgpack bytes of `value` when it consists of plain arrays and primitives only (except BigInt); undefined otherwise. */
export function packPrimitiveArrays(value: unknown): Uint8Array | undefined {
  shared.pos = 0;
  const bytes = shared.write(value) ? shared.copy() : undefined;
  if (shared.capacity > KEPT_BYTES) shared = new PrimitiveMsgpackWriter(INITIAL_BYTES);
  return bytes;
}

const F64 = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64.buffer);
const BIG_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;

/** What unpackPrimitive returns for bytes it leaves to msgpackr. */
export const NOT_PRIMITIVE: unique symbol = Symbol('not a primitive msgpack value');

/**
 * The value of `bytes` when they hold exactly one number, boolean, null or ASCII string in msgpack
 * (what msgpackr writes for those, so an LMDB state backend reads its counters and ids without an
 * Unpackr per value); NOT_PRIMITIVE for anything else, which the caller decodes with msgpackr.
 */
export function unpackPrimitive(bytes: Uint8Array): unknown {
  const n = bytes.length;
  if (n === 0) return NOT_PRIMITIVE;
  const b = bytes[0];
  if (b < 0x40) return n === 1 ? b : NOT_PRIMITIVE;
  if (b >= 0xe0) return n === 1 ? b - 0x100 : NOT_PRIMITIVE;
  if (b >= 0xa0 && b < 0xc0) return asciiAt(bytes, 1, b & 0x1f);
  switch (b) {
    case 0xc0:
      return n === 1 ? null : NOT_PRIMITIVE;
    case 0xc2:
    case 0xc3:
      return n === 1 ? b === 0xc3 : NOT_PRIMITIVE;
    case 0xcc:
      return n === 2 ? bytes[1] : NOT_PRIMITIVE;
    case 0xcd:
      return n === 3 ? (bytes[1] << 8) | bytes[2] : NOT_PRIMITIVE;
    case 0xce:
      return n === 5 ? ((bytes[1] << 24) | (bytes[2] << 16) | (bytes[3] << 8) | bytes[4]) >>> 0 : NOT_PRIMITIVE;
    case 0xd0:
      return n === 2 ? (bytes[1] << 24) >> 24 : NOT_PRIMITIVE;
    case 0xd1:
      return n === 3 ? (((bytes[1] << 8) | bytes[2]) << 16) >> 16 : NOT_PRIMITIVE;
    case 0xd2:
      return n === 5 ? (bytes[1] << 24) | (bytes[2] << 16) | (bytes[3] << 8) | bytes[4] : NOT_PRIMITIVE;
    case 0xcb:
      if (n !== 9) return NOT_PRIMITIVE;
      // Big-endian on the wire; a DataView per value would cost more than the rest of the decoding.
      for (let i = 0; i < 8; i++) F64_BYTES[BIG_ENDIAN ? i : 7 - i] = bytes[1 + i];
      return F64[0];
    case 0xd9:
      return n >= 2 ? asciiAt(bytes, 2, bytes[1]) : NOT_PRIMITIVE;
    default:
      return NOT_PRIMITIVE;
  }
}

/** The string of `length` bytes from `start` when they are the rest of `bytes` and all ASCII. */
function asciiAt(bytes: Uint8Array, start: number, length: number): unknown {
  if (start + length !== bytes.length) return NOT_PRIMITIVE;
  for (let i = start; i < bytes.length; i++) if (bytes[i] >= 0x80) return NOT_PRIMITIVE;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, length).toString('latin1');
}
