import { assert } from '@flott/core';
import type { KeyGroupRange } from '../spi/state-backend';
import { UPPER_BOUND_MAX_PARALLELISM, defaultMaxParallelism } from '../deployment/max-parallelism';
import { UnsupportedKeyError } from './network-errors';

// One definition of Flink's default max parallelism (the graph translation owns it); the hash
// partitioner uses it when the lead passes no maxParallelism.
export { defaultMaxParallelism };

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** MurmurHash3 x86 32-bit of `bytes` with `seed`, as an unsigned 32-bit number. */
export function murmur3x86_32(bytes: Uint8Array, seed = 0): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed | 0;
  const blocks = bytes.length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = bytes.length & 3;
  if (tail > 0) {
    let k = bytes[blocks];
    if (tail > 1) k ^= bytes[blocks + 1] << 8;
    if (tail > 2) k ^= bytes[blocks + 2] << 16;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= bytes.length;
  return fmix32(h) >>> 0;
}

/**
 * Flink's MathUtils.murmurHash(int): MurmurHash3 (seed 0) of the int's 4 little-endian bytes, made
 * non-negative (Integer.MIN_VALUE maps to 0). Inlined for the per-record hash partitioner.
 */
export function murmurHashInt(code: number): number {
  let k = Math.imul(code | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let h = (k << 13) | (k >>> 19);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  h ^= 4;
  h = fmix32(h);
  if (h >= 0) return h;
  return h === -2147483648 ? 0 : -h;
}

const f64 = new Float64Array(1);
const i32 = new Int32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const MAX_KEY_DEPTH = 32;

/** Java's Long.hashCode of a 64-bit two's complement value. */
function hashInt64(v: bigint): number {
  return (Number(BigInt.asIntN(32, v >> 32n)) ^ Number(BigInt.asIntN(32, v))) | 0;
}

function hashNumber(v: number): number {
  if ((v | 0) === v) return v | 0; // int32 (and -0): Java's Integer.hashCode
  if (Number.isSafeInteger(v)) return hashInt64(BigInt(v));
  if (v !== v) return 0x7ff80000; // canonical NaN, as Double.doubleToLongBits
  f64[0] = v;
  return (i32[HI] ^ i32[LO]) | 0; // Java's Double.hashCode
}

function hashBigInt(v: bigint): number {
  if (v === BigInt.asIntN(64, v)) return hashInt64(v);
  let magnitude = v < 0n ? -v : v;
  let h = 0;
  while (magnitude > 0n) {
    h = (Math.imul(31, h) + Number(magnitude & 0xffffffffn)) | 0;
    magnitude >>= 32n;
  }
  return v < 0n ? -h | 0 : h;
}

function hashString(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

function hashValue(key: unknown, depth: number): number {
  switch (typeof key) {
    case 'string':
      return hashString(key);
    case 'number':
      return hashNumber(key);
    case 'boolean':
      return key ? 1231 : 1237;
    case 'bigint':
      return hashBigInt(key);
    case 'undefined':
      return 0;
    case 'object':
      if (key === null) return 0;
      if (depth >= MAX_KEY_DEPTH) throw new UnsupportedKeyError('object nested deeper than 32 levels (or cyclic)');
      return hashObject(key, depth + 1);
    default:
      throw new UnsupportedKeyError(typeof key);
  }
}

function hashObject(key: object, depth: number): number {
  if (Array.isArray(key)) {
    let h = 1;
    for (let i = 0; i < key.length; i++) h = (Math.imul(31, h) + hashValue(key[i], depth)) | 0;
    return h;
  }
  if (key instanceof Uint8Array) {
    let h = 1;
    for (let i = 0; i < key.length; i++) h = (Math.imul(31, h) + ((key[i] << 24) >> 24)) | 0;
    return h;
  }
  if (key instanceof Date) return hashNumber(key.getTime());
  // Maps and objects hash as Java's AbstractMap: a sum over entries, so key order does not matter.
  let h = 0;
  if (key instanceof Map) {
    for (const [k, v] of key) h = (h + (hashValue(k, depth) ^ hashValue(v, depth))) | 0;
    return h;
  }
  const record = key as Record<string, unknown>;
  for (const k of Object.keys(record)) h = (h + (hashString(k) ^ hashValue(record[k], depth))) | 0;
  return h;
}

/**
 * A 32-bit hash of a key, the same in every process and thread: Java's hashCode for strings (UTF-16),
 * ints, longs, doubles and booleans (so these keys land in the key groups Flink would choose), List
 * semantics for arrays, Map semantics (order-independent) for plain objects and Maps. Throws
 * UnsupportedKeyError for functions and symbols.
 */
export function hashKey(key: unknown): number {
  return hashValue(key, 0);
}

function checkMaxParallelism(maxParallelism: number): void {
  assert(
    Number.isInteger(maxParallelism) && maxParallelism > 0 && maxParallelism <= UPPER_BOUND_MAX_PARALLELISM,
    `maxParallelism must be an integer in [1, ${UPPER_BOUND_MAX_PARALLELISM}], got ${maxParallelism}`,
  );
}

function checkParallelism(maxParallelism: number, parallelism: number): void {
  checkMaxParallelism(maxParallelism);
  assert(
    Number.isInteger(parallelism) && parallelism > 0 && parallelism <= maxParallelism,
    `parallelism must be an integer in [1, maxParallelism=${maxParallelism}], got ${parallelism}`,
  );
}

export function computeKeyGroupForKeyHash(keyHash: number, maxParallelism: number): number {
  return murmurHashInt(keyHash) % maxParallelism;
}

/** Key group of `key`: murmur(hashKey(key)) % maxParallelism (Flink's KeyGroupRangeAssignment). */
export function assignToKeyGroup(key: unknown, maxParallelism: number): number {
  checkMaxParallelism(maxParallelism);
  return computeKeyGroupForKeyHash(hashKey(key), maxParallelism);
}

/** The subtask that owns `keyGroup`: floor(keyGroup * parallelism / maxParallelism). */
export function computeOperatorIndexForKeyGroup(maxParallelism: number, parallelism: number, keyGroup: number): number {
  checkParallelism(maxParallelism, parallelism);
  assert(Number.isInteger(keyGroup) && keyGroup >= 0 && keyGroup < maxParallelism, `key group ${keyGroup} out of [0, ${maxParallelism})`);
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

/** The contiguous key groups of subtask `index` (the inverse of computeOperatorIndexForKeyGroup). */
export function computeKeyGroupRangeForOperatorIndex(maxParallelism: number, parallelism: number, index: number): KeyGroupRange {
  checkParallelism(maxParallelism, parallelism);
  assert(Number.isInteger(index) && index >= 0 && index < parallelism, `operator index ${index} out of [0, ${parallelism})`);
  return {
    startKeyGroup: Math.floor((index * maxParallelism + parallelism - 1) / parallelism),
    endKeyGroup: Math.floor(((index + 1) * maxParallelism - 1) / parallelism),
  };
}

/** The subtask of an operator with `parallelism` subtasks that processes `key`. */
export function assignKeyToParallelOperator(key: unknown, maxParallelism: number, parallelism: number): number {
  checkParallelism(maxParallelism, parallelism);
  return Math.floor((computeKeyGroupForKeyHash(hashKey(key), maxParallelism) * parallelism) / maxParallelism);
}
