import { FlottError } from '@flott/runtime';

const MAX_DEPTH = 32;

/** A key the heap backend cannot compare by value (functions, symbols, cycles, Sets...). */
export class UnsupportedStateKeyError extends FlottError {
  constructor(reason: string) {
    super('UNSUPPORTED_STATE_KEY', `Unsupported state key: ${reason}. Use primitives, arrays, plain objects, Dates or byte arrays.`, { reason });
  }
}

export type PrimitiveKey = string | number | bigint | boolean;

export function isPrimitiveKey(key: unknown): key is PrimitiveKey {
  const t = typeof key;
  return t === 'string' || t === 'number' || t === 'bigint' || t === 'boolean';
}

/**
 * A string equal for keys equal by value. Records are deserialised into fresh objects, so a keyBy
 * that returns a tuple or an object would otherwise make every record a new key (Flink compares keys
 * with equals/hashCode). Object fields are sorted so field order does not matter.
 */
export function canonicalKey(key: unknown): string {
  return encode(key, 0);
}

function encode(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new UnsupportedStateKeyError(`nested deeper than ${MAX_DEPTH} levels (a cycle?)`);
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return `n${Object.is(value, -0) ? 0 : value}`;
    case 'bigint':
      return `b${value}`;
    case 'boolean':
      return value ? 't' : 'f';
    case 'undefined':
      return 'u';
    case 'object':
      return encodeObject(value, depth);
    default:
      throw new UnsupportedStateKeyError(`a ${typeof value} cannot be compared by value`);
  }
}

function encodeObject(value: object | null, depth: number): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => encode(v, depth + 1)).join(',')}]`;
  if (value instanceof Date) return `d${value.getTime()}`;
  if (ArrayBuffer.isView(value)) return `x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  if (value instanceof Map) {
    const entries = [...value].map(([k, v]) => `${encode(k, depth + 1)}=>${encode(v, depth + 1)}`).sort();
    return `M{${entries.join(',')}}`;
  }
  if (value instanceof Set || value instanceof WeakMap || value instanceof WeakSet || value instanceof Promise) {
    throw new UnsupportedStateKeyError(`a ${value.constructor.name} cannot be compared by value`);
  }
  const proto: unknown = Object.getPrototypeOf(value);
  const typeName = proto === Object.prototype || proto === null ? '' : (value.constructor?.name ?? '?');
  const record = value as Record<string, unknown>;
  const fields = Object.keys(record)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${encode(record[k], depth + 1)}`);
  return `${typeName}{${fields.join(',')}}`;
}
