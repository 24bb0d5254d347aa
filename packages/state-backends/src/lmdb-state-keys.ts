import { UnsupportedStateKeyError } from './canonical-key';

/** LMDB's largest key in lmdb-js's build (its error names the same figure). */
export const MAX_LMDB_KEY_BYTES = 1978;
/** Key groups (Flink's largest max parallelism) and state ids are big-endian u16 in the key. */
export const MAX_KEY_GROUPS = 32768;
export const MAX_STATES = 0xffff;

const NO_NAMESPACE = 0;
const NAMESPACE = 1;
const PRIMITIVE_KEY = 0;
const COMPOSITE_KEY = 1;
/** Key group, state id, namespace tag and namespace length, key tag. */
const MAX_FIXED_BYTES = 2 + 2 + 1 + 2 + 1;

/** A stored key, decoded: the user key is still in its canonical form (see `primitiveFromCanonical`). */
export interface DecodedStateKey {
  readonly keyGroup: number;
  readonly stateId: number;
  readonly namespace: string | undefined;
  /** True when the entry's value holds `[key, value]` (composite keys, whose canonical form does not give the key back). */
  readonly composite: boolean;
  readonly canonical: string;
}

/**
 * The layout of an LMDB key of the lmdb state backend (every integer big-endian):
 *
 *   u16 key group | u16 state id | namespace: 0x00, or 0x01 u16 length UTF-8 | key: tag u8, UTF-8 canonical form
 *
 * The key group comes first, so one key group's entries are contiguous and a snapshot or rescale reads
 * it with one range scan; the state id and namespace next, so `getKeys(state, namespace)` is a prefix
 * scan per key group. The user key is last and is its canonical form (keys equal by value are one
 * key); the tag says whether that form can be read back into the key (primitives) or the value
 * carries the key (composites). Nothing here is persisted across processes: the ids are per backend.
 */
export class StateKeyEncoder {
  private readonly scratch = Buffer.allocUnsafe(MAX_LMDB_KEY_BYTES);
  private keySuffix: Buffer = Buffer.alloc(0);

  /** Sets the user key every following `encode` uses. */
  setKey(canonical: string, composite: boolean): void {
    const suffix = Buffer.allocUnsafe(1 + Buffer.byteLength(canonical, 'utf8'));
    suffix[0] = composite ? COMPOSITE_KEY : PRIMITIVE_KEY;
    suffix.write(canonical, 1, 'utf8');
    if (suffix.length + MAX_FIXED_BYTES > MAX_LMDB_KEY_BYTES) {
      throw new UnsupportedStateKeyError(
        `its canonical form is ${suffix.length - 1} bytes, more than the lmdb state backend's keys hold ` +
          `(${MAX_LMDB_KEY_BYTES - MAX_FIXED_BYTES} bytes with the namespace)`,
      );
    }
    this.keySuffix = suffix;
  }

  /**
   * The LMDB key of the current user key in one state and namespace, as a view of a scratch buffer
   * valid until the next call (LMDB copies keys it is given).
   */
  encode(keyGroup: number, stateId: number, namespace: string | undefined): Buffer {
    const b = this.scratch;
    let at = this.writePrefix(keyGroup, stateId, namespace);
    if (at + this.keySuffix.length > MAX_LMDB_KEY_BYTES) {
      throw new UnsupportedStateKeyError(`key and namespace '${namespace}' together exceed ${MAX_LMDB_KEY_BYTES} bytes in the lmdb state backend`);
    }
    at += this.keySuffix.copy(b, at);
    return b.subarray(0, at);
  }

  /** `[start, end)` of every key of one state and namespace in one key group (a copy). */
  prefixRange(keyGroup: number, stateId: number, namespace: string | undefined): { start: Buffer; end: Buffer } {
    const start = Buffer.from(this.scratch.subarray(0, this.writePrefix(keyGroup, stateId, namespace)));
    return { start, end: successor(start) };
  }

  private writePrefix(keyGroup: number, stateId: number, namespace: string | undefined): number {
    const b = this.scratch;
    b.writeUInt16BE(keyGroup, 0);
    b.writeUInt16BE(stateId, 2);
    if (namespace === undefined) {
      b[4] = NO_NAMESPACE;
      return 5;
    }
    b[4] = NAMESPACE;
    // Room is kept for the key's tag; a namespace that leaves no room for the key fails in encode.
    const length = b.write(namespace, 7, MAX_LMDB_KEY_BYTES - 8, 'utf8');
    if (length !== Buffer.byteLength(namespace, 'utf8')) {
      throw new UnsupportedStateKeyError(`namespace '${namespace.slice(0, 40)}…' exceeds ${MAX_LMDB_KEY_BYTES} bytes in the lmdb state backend`);
    }
    b.writeUInt16BE(length, 5);
    return 7 + length;
  }
}

/** `[start, end)` of one key group's keys. */
export function keyGroupRange(keyGroup: number): { start: Buffer; end: Buffer } {
  const start = Buffer.allocUnsafe(2);
  start.writeUInt16BE(keyGroup, 0);
  return { start, end: successor(start) };
}

export function decodeStateKey(key: Uint8Array): DecodedStateKey {
  const b = Buffer.isBuffer(key) ? key : Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  const keyGroup = b.readUInt16BE(0);
  const stateId = b.readUInt16BE(2);
  let at = 5;
  let namespace: string | undefined;
  if (b[4] === NAMESPACE) {
    const length = b.readUInt16BE(5);
    namespace = b.toString('utf8', 7, 7 + length);
    at = 7 + length;
  }
  return { keyGroup, stateId, namespace, composite: b[at] === COMPOSITE_KEY, canonical: b.toString('utf8', at + 1) };
}

/** The primitive key a canonical form stands for (the runtime's canonicalKey, read backwards). */
export function primitiveFromCanonical(canonical: string): string | number | bigint | boolean {
  switch (canonical[0]) {
    case '"':
      return JSON.parse(canonical) as string;
    case 'n':
      return Number(canonical.slice(1));
    case 'b':
      return BigInt(canonical.slice(1));
    case 't':
      return true;
    case 'f':
      return false;
    default:
      throw new Error(`Assertion failed: '${canonical}' is not the canonical form of a primitive key`);
  }
}

/** The smallest byte string greater than every string that starts with `prefix`. */
function successor(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] !== 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  // Key groups are below 0x8000, and a namespace tag is 0 or 1: no prefix of ours is all 0xff.
  throw new Error('Assertion failed: a key prefix of the lmdb state backend is all 0xff');
}
