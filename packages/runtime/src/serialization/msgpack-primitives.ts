/**
 * Hand-written msgpack for the commonest small records: numbers, strings (up to 65 535 UTF-8 bytes),
 * booleans, null, and short arrays of them (a word and its count). Bytes 0x40-0x7f are never read as numbers here:
 * msgpackr's record structures use them for objects (an empty object is the single byte 0x40). msgpackr's pack and unpack cost ~50–140 ns per call
 * whatever the value; these write and read the same msgpack bytes (any msgpack decoder reads them, and
 * these read any encoder's bytes of such values) in a fraction of that. Anything else is left to msgpackr.
 */

import { shapeMaker, type ShapeMaker } from '@flott/core';

/** Returned when the value (or its bytes) is not one of those handled here. */
export const NOT_HANDLED = -2;

/** Longest string written as a fixstr (up to 31 bytes; the ASCII ones by a loop, read back interned). */
const MAX_FIXSTR = 31;
/** Most UTF-8 bytes of a string written here (a str16); longer ones are left to msgpackr (str32). */
const MAX_STR16 = 0xffff;
/** Strings of up to this many UTF-16 units have at most 255 UTF-8 bytes (3 per unit): a str8 for sure. */
const MAX_STR8_UNITS = 85;
/** Most elements of an array written here: a fixarray holds up to 15. */
const MAX_FIXARRAY = 15;
/** Room an element can take: a float64 is 9 bytes, a fixstr at most 32. */
const MAX_ELEMENT_BYTES = 1 + MAX_FIXSTR;

/** Writes `value` at `offset` (the caller checked that MAX_ELEMENT_BYTES fit before `limit`): its end, or NOT_HANDLED. */
function writePrimitive(value: unknown, target: Buffer, offset: number, limit: number): number {
  switch (typeof value) {
    case 'number': {
      // -0 is an integer here, written as 0, as msgpackr writes it.
      if (Number.isInteger(value)) {
        // msgpackr's record structures take the positive fixints 0x40-0x7f as references to a
        // record (an object), so 64-127 are written as uint8, as msgpackr writes them.
        if (value >= 0 && value < 0x40) {
          target[offset] = value;
          return offset + 1;
        }
        if (value >= 0x40 && value < 0x100) {
          target[offset] = 0xcc;
          target[offset + 1] = value;
          return offset + 2;
        }
        if (value >= -32 && value < 0) {
          target[offset] = (value & 0xff) | 0;
          return offset + 1;
        }
        if (value >= -2147483648 && value <= 2147483647) {
          target[offset] = 0xd2;
          target.writeInt32BE(value, offset + 1);
          return offset + 5;
        }
      }
      target[offset] = 0xcb;
      target.writeDoubleBE(value, offset + 1);
      return offset + 9;
    }
    case 'string': {
      const len = value.length;
      if (len <= MAX_FIXSTR) {
        let i = 0;
        for (; i < len; i++) {
          const c = value.charCodeAt(i);
          if (c >= 0x80) break;
          target[offset + 1 + i] = c;
        }
        if (i === len) {
          target[offset] = 0xa0 | len;
          return offset + 1 + len;
        }
      }
      return writeString(value, target, offset, limit);
    }
    case 'boolean':
      target[offset] = value ? 0xc3 : 0xc2;
      return offset + 1;
    case 'object':
      if (value !== null) return NOT_HANDLED;
      target[offset] = 0xc0;
      return offset + 1;
    default:
      return NOT_HANDLED;
  }
}

/**
 * A string that is longer than a fixstr or not ASCII, as Node's native UTF-8 encoder writes it (a lone
 * surrogate becomes U+FFFD; msgpackr writes its three bytes, which read back as three U+FFFD): a str8
 * up to 255 bytes, a str16 up to 65 535; NOT_HANDLED beyond, or when it does not fit before `limit`.
 */
function writeString(value: string, target: Buffer, offset: number, limit: number): number {
  const len = value.length;
  if (len <= MAX_STR8_UNITS && offset + 2 + 3 * len <= limit) {
    const bytes = target.utf8Write(value, offset + 2, 3 * len);
    target[offset] = 0xd9;
    target[offset + 1] = bytes;
    return offset + 2 + bytes;
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_STR16) return NOT_HANDLED;
  const header = bytes <= 0xff ? 2 : 3;
  if (offset + header + bytes > limit) return NOT_HANDLED;
  if (header === 2) {
    target[offset] = 0xd9;
    target[offset + 1] = bytes;
  } else {
    target[offset] = 0xda;
    target[offset + 1] = bytes >>> 8;
    target[offset + 2] = bytes & 0xff;
  }
  target.utf8Write(value, offset + header, bytes);
  return offset + header + bytes;
}

/**
 * Writes `value` at `offset` if it is handled here and fits before `limit`; returns the end, or
 * NOT_HANDLED (nothing of it counts then).
 */
export function writeSmallRecord(value: unknown, target: Buffer, offset: number, limit: number): number {
  if (Array.isArray(value)) {
    const n = value.length;
    if (n > MAX_FIXARRAY || limit - offset < 1 + n * MAX_ELEMENT_BYTES) return NOT_HANDLED;
    target[offset] = 0x90 | n;
    let pos = offset + 1;
    for (let i = 0; i < n; i++) {
      // A hole reads as undefined, which msgpack writes otherwise: left to msgpackr.
      if (!(i in value)) return NOT_HANDLED;
      pos = writePrimitive(value[i], target, pos, limit);
      if (pos === NOT_HANDLED) return NOT_HANDLED;
    }
    return pos;
  }
  if (limit - offset < MAX_ELEMENT_BYTES) return NOT_HANDLED;
  return writePrimitive(value, target, offset, limit);
}

/** A decoded value and where its bytes end, or `end` NOT_HANDLED. */
export interface ReadResult {
  value: unknown;
  end: number;
}

/**
 * Interned short ASCII strings (keys repeat: words, ids, channel names): a slot per hash of the bytes,
 * checked character by character, so a repeated string costs no allocation and no native call. Bound:
 * INTERNED slots per thread, each holding one string of at most 31 characters.
 */
const INTERNED = 4096;
const interned: Array<string | undefined> = new Array<string | undefined>(INTERNED).fill(undefined);

function readShortString(source: Buffer, start: number, end: number): string {
  let hash = end - start;
  for (let i = start; i < end; i++) {
    const c = source[i];
    if (c >= 0x80) return source.utf8Slice(start, end);
    hash = (Math.imul(hash, 31) + c) | 0;
  }
  const slot = hash & (INTERNED - 1);
  const cached = interned[slot];
  if (cached !== undefined && cached.length === end - start) {
    let i = 0;
    while (i < cached.length && cached.charCodeAt(i) === source[start + i]) i++;
    if (i === cached.length) return cached;
  }
  const s = source.latin1Slice(start, end);
  interned[slot] = s;
  return s;
}

function readPrimitive(source: Buffer, pos: number, limit: number, out: ReadResult): void {
  const b = source[pos];
  if (b < 0x40) {
    out.value = b;
    out.end = pos + 1;
  } else if (b < 0x80) {
    // A reference to one of msgpackr's record structures (an object), not a number: msgpackr reads it.
    out.end = NOT_HANDLED;
  } else if (b >= 0xe0) {
    out.value = b - 0x100;
    out.end = pos + 1;
  } else if (b >= 0xa0 && b <= 0xbf) {
    const len = b & 0x1f;
    const start = pos + 1;
    if (start + len > limit) {
      out.end = NOT_HANDLED;
      return;
    }
    out.value = readShortString(source, start, start + len);
    out.end = start + len;
  } else if ((b === 0xd9 && pos + 2 <= limit) || (b === 0xda && pos + 3 <= limit)) {
    const start = b === 0xd9 ? pos + 2 : pos + 3;
    const len = b === 0xd9 ? source[pos + 1] : (source[pos + 1] << 8) | source[pos + 2];
    if (start + len > limit) {
      out.end = NOT_HANDLED;
      return;
    }
    out.value = len <= MAX_FIXSTR ? readShortString(source, start, start + len) : source.utf8Slice(start, start + len);
    out.end = start + len;
  } else if (b === 0xcb && pos + 9 <= limit) {
    out.value = source.readDoubleBE(pos + 1);
    out.end = pos + 9;
  } else if (b === 0xcc && pos + 2 <= limit) {
    out.value = source[pos + 1];
    out.end = pos + 2;
  } else if (b === 0xd2 && pos + 5 <= limit) {
    out.value = source.readInt32BE(pos + 1);
    out.end = pos + 5;
  } else if (b === 0xc0 || b === 0xc2 || b === 0xc3) {
    out.value = b === 0xc0 ? null : b === 0xc3;
    out.end = pos + 1;
  } else {
    out.end = NOT_HANDLED;
  }
}

/**
 * Reads the record in `source[offset, end)` if it is one of the values handled here (exactly filling
 * the range); otherwise `out.end` is NOT_HANDLED and msgpackr must read it.
 */
export function readSmallRecord(source: Buffer, offset: number, end: number, out: ReadResult): void {
  const b = source[offset];
  if (b >= 0x90 && b <= 0x9f) {
    const n = b & 0x0f;
    const array: unknown[] = new Array<unknown>(n);
    let pos = offset + 1;
    for (let i = 0; i < n; i++) {
      if (pos >= end) {
        out.end = NOT_HANDLED;
        return;
      }
      readPrimitive(source, pos, end, out);
      if (out.end === NOT_HANDLED) return;
      array[i] = out.value;
      pos = out.end;
    }
    out.value = array;
    out.end = pos;
  } else {
    readPrimitive(source, offset, end, out);
  }
  if (out.end !== end) out.end = NOT_HANDLED;
}

/**
 * First byte of a flat object written by a ShapeEncoder: msgpack's one "never used" byte (msgpackr
 * writes it only with `bundleStrings`, which the records' Packr does not use).
 */
const SHAPE = 0xc1;
/** Marks a shape's definition after SHAPE (ids are 1–255). */
const SHAPE_DEFINITION = 0;
/** Most keys of a flat object written as a shape. */
const MAX_SHAPE_KEYS = 32;
/** Shapes one encoder defines (ids 1–255); objects of any further shape go to msgpackr. */
const MAX_SHAPES = 255;
/** ShapeEncoder's id for keys that make no shape (too long, not ASCII, or beyond MAX_SHAPES). */
const NOT_A_SHAPE = 0;

/**
 * Plain objects whose values are numbers, strings (up to 65 535 UTF-8 bytes), booleans, null or undefined, with at
 * most 32 keys of at most 31 ASCII characters (records such as `{id, value, tag}`), written as a shape
 * id and the values. A shape (its keys, in order) is defined in the stream the first time the encoder
 * writes it: `0xc1 0x00 id n key…` then the values; later objects of it are `0xc1 id` then the
 * values. Values are msgpack as writeSmallRecord writes them, undefined as msgpackr's `0xd4 0x00 0x00`.
 * So, like msgpackr's record structures, the bytes are read by the decoder of the same channel, in
 * order (ShapeDecoder). Anything else gives NOT_HANDLED, and msgpackr writes the object.
 */
export class ShapeEncoder {
  /** JSON of a shape's keys → its id, or NOT_A_SHAPE for keys a shape cannot have (at most MAX_SHAPES of those are remembered). */
  private readonly ids = new Map<string, number>();
  private defined = 0;
  private refused = 0;
  private lastKeys: readonly string[] | undefined;
  /** The last object's shape id, or NOT_A_SHAPE: its keys cannot make one (then msgpackr writes it at once). */
  private lastId = 0;

  write(value: object, target: Buffer, offset: number, limit: number): number {
    if (Object.getPrototypeOf(value) !== Object.prototype) return NOT_HANDLED;
    let keys = this.lastKeys;
    let pos = offset + 2;
    let n = 0;
    for (const k in value) {
      if (n === MAX_SHAPE_KEYS || limit - pos < MAX_ELEMENT_BYTES || k === '__proto__') return NOT_HANDLED;
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined) {
        target[pos] = 0xd4;
        target[pos + 1] = 0;
        target[pos + 2] = 0;
        pos += 3;
      } else {
        pos = writePrimitive(v, target, pos, limit);
        if (pos === NOT_HANDLED) return NOT_HANDLED;
      }
      if (keys !== undefined && keys[n] !== k) keys = undefined;
      n++;
    }
    if (keys !== undefined && keys.length === n) {
      if (this.lastId === NOT_A_SHAPE) return NOT_HANDLED;
      target[offset] = SHAPE;
      target[offset + 1] = this.lastId;
      return pos;
    }
    return this.withShape(value, target, offset, pos, limit);
  }

  /** The object's values are at offset + 2 up to `valuesEnd`: finds its shape, or defines it in front of them. */
  private withShape(value: object, target: Buffer, offset: number, valuesEnd: number, limit: number): number {
    const keys: string[] = [];
    for (const k in value) keys.push(k);
    const signature = JSON.stringify(keys);
    const known = this.ids.get(signature);
    if (known !== undefined) {
      this.lastKeys = keys;
      this.lastId = known;
      if (known === NOT_A_SHAPE) return NOT_HANDLED;
      target[offset] = SHAPE;
      target[offset + 1] = known;
      return valuesEnd;
    }
    let keyBytes = 0;
    for (const k of keys) {
      let ascii = k.length <= MAX_FIXSTR;
      for (let i = 0; ascii && i < k.length; i++) ascii = k.charCodeAt(i) < 0x80;
      if (!ascii) return this.refuse(signature, keys);
      keyBytes += 1 + k.length;
    }
    if (this.defined === MAX_SHAPES) return this.refuse(signature, keys);
    const valuesStart = offset + 4 + keyBytes;
    if (valuesStart + (valuesEnd - offset - 2) > limit) return NOT_HANDLED;
    target.copyWithin(valuesStart, offset + 2, valuesEnd);
    const id = ++this.defined;
    target[offset] = SHAPE;
    target[offset + 1] = SHAPE_DEFINITION;
    target[offset + 2] = id;
    target[offset + 3] = keys.length;
    let pos = offset + 4;
    for (const k of keys) pos = writePrimitive(k, target, pos, limit);
    this.ids.set(signature, id);
    this.lastKeys = keys;
    this.lastId = id;
    return valuesStart + (valuesEnd - offset - 2);
  }

  /** Remembers (a bounded number of) keys that make no shape, so their next objects go to msgpackr without this lookup. */
  private refuse(signature: string, keys: readonly string[]): number {
    if (this.refused < MAX_SHAPES) {
      this.refused++;
      this.ids.set(signature, NOT_A_SHAPE);
    }
    this.lastKeys = keys;
    this.lastId = NOT_A_SHAPE;
    return NOT_HANDLED;
  }
}

/** A shape a ShapeDecoder read: how many values its objects have and what builds one from them. */
interface DecodedShape {
  readonly size: number;
  readonly make: ShapeMaker;
}

/** Reads what a ShapeEncoder wrote, in the order it wrote it (one per channel, as the encoder). */
export class ShapeDecoder {
  private readonly shapes: Array<DecodedShape | undefined> = [];
  /**
   * The values of the object being read. Created holding a non-number, so its elements stay tagged: an
   * array that has only ever held numbers keeps them unboxed (as doubles), and every value read back
   * from it would be a new heap number (an integer too, which also makes a record's key a double).
   */
  private readonly values: unknown[] = [undefined];

  /** Whether the record at `offset` is a shape's object. */
  static handles(source: Buffer, offset: number): boolean {
    return source[offset] === SHAPE;
  }

  /** Reads the object in `source[offset, end)`; throws when the bytes are no valid shape record. */
  read(source: Buffer, offset: number, end: number, out: ReadResult): void {
    let pos = offset + 1;
    let id = source[pos++];
    if (id === SHAPE_DEFINITION) {
      id = source[pos++];
      const n = source[pos++];
      const keys: string[] = [];
      for (let i = 0; i < n; i++) {
        readPrimitive(source, pos, end, out);
        if (out.end === NOT_HANDLED || typeof out.value !== 'string' || out.value === '__proto__') throw new Error(`corrupt record: shape ${id} has an invalid key ${i}`);
        keys.push(out.value);
        pos = out.end;
      }
      this.shapes[id] = { size: n, make: shapeMaker(keys) };
    }
    const shape = this.shapes[id];
    if (shape === undefined) throw new Error(`corrupt record: it refers to shape ${id}, which its channel never defined`);
    // Not cut to the shape's size: its maker reads only its own values (a length store is a builtin call per record).
    const values = this.values;
    for (let i = 0; i < shape.size; i++) {
      if (source[pos] === 0xd4 && source[pos + 1] === 0 && source[pos + 2] === 0) {
        values[i] = undefined;
        pos += 3;
        continue;
      }
      readPrimitive(source, pos, end, out);
      if (out.end === NOT_HANDLED) throw new Error(`corrupt record: value ${i} of an object of shape ${id} is not one a shape holds`);
      values[i] = out.value;
      pos = out.end;
    }
    if (pos !== end) throw new Error(`corrupt record: an object of shape ${id} ends at ${pos - offset} of its ${end - offset} bytes`);
    out.value = shape.make(values);
    out.end = pos;
  }
}

declare global {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
    utf8Slice(start: number, end: number): string;
    /** Writes `string` as UTF-8 at `offset`, at most `length` bytes (whole characters); returns the bytes written. */
    utf8Write(string: string, offset: number, length: number): number;
  }
}
