/**
 * Hand-written msgpack for the commonest small records: numbers, short ASCII strings, booleans, null,
 * and short arrays of them (a word and its count). Bytes 0x40-0x7f are never read as numbers here:
 * msgpackr's record structures use them for objects (an empty object is the single byte 0x40). msgpackr's pack and unpack cost ~50–140 ns per call
 * whatever the value; these write and read the same msgpack bytes (any msgpack decoder reads them, and
 * these read any encoder's bytes of such values) in a fraction of that. Anything else is left to msgpackr.
 */

/** Returned when the value (or its bytes) is not one of those handled here. */
export const NOT_HANDLED = -2;

/** Longest string written here: a fixstr holds up to 31 bytes. */
const MAX_FIXSTR = 31;
/** Most elements of an array written here: a fixarray holds up to 15. */
const MAX_FIXARRAY = 15;
/** Room an element can take: a float64 is 9 bytes, a fixstr at most 32. */
const MAX_ELEMENT_BYTES = 1 + MAX_FIXSTR;

function writePrimitive(value: unknown, target: Buffer, offset: number): number {
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
      if (len > MAX_FIXSTR) return NOT_HANDLED;
      for (let i = 0; i < len; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) return NOT_HANDLED;
        target[offset + 1 + i] = c;
      }
      target[offset] = 0xa0 | len;
      return offset + 1 + len;
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
      pos = writePrimitive(value[i], target, pos);
      if (pos === NOT_HANDLED) return NOT_HANDLED;
    }
    return pos;
  }
  if (limit - offset < MAX_ELEMENT_BYTES) return NOT_HANDLED;
  return writePrimitive(value, target, offset);
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

declare global {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
    utf8Slice(start: number, end: number): string;
  }
}
