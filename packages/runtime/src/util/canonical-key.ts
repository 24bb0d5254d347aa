const MAX_DEPTH = 32;

export type PrimitiveKey = string | number | bigint | boolean;

export function isPrimitiveKey(key: unknown): key is PrimitiveKey {
  const t = typeof key;
  return t === 'string' || t === 'number' || t === 'bigint' || t === 'boolean';
}

/**
 * A string equal for values equal by value (keys of state and timers). Records are deserialised into
 * fresh objects, so a keyBy that returns a tuple or an object would otherwise make every record a new
 * key (Flink compares keys with equals/hashCode). Object fields are sorted so field order does not
 * matter. `fail` builds the caller's typed error for values that cannot be compared by value.
 */
export function canonicalKey(key: unknown, fail: (reason: string) => Error): string {
  return encode(key, 0, fail);
}

function encode(value: unknown, depth: number, fail: (reason: string) => Error): string {
  if (depth > MAX_DEPTH) throw fail(`nested deeper than ${MAX_DEPTH} levels (a cycle?)`);
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
      return encodeObject(value, depth, fail);
    default:
      throw fail(`a ${typeof value} cannot be compared by value`);
  }
}

function encodeObject(value: object | null, depth: number, fail: (reason: string) => Error): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => encode(v, depth + 1, fail)).join(',')}]`;
  if (value instanceof Date) return `d${value.getTime()}`;
  if (ArrayBuffer.isView(value)) return `x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  if (value instanceof Map) {
    const entries = [...value].map(([k, v]) => `${encode(k, depth + 1, fail)}=>${encode(v, depth + 1, fail)}`).sort();
    return `M{${entries.join(',')}}`;
  }
  if (value instanceof Set || value instanceof WeakMap || value instanceof WeakSet || value instanceof Promise) {
    throw fail(`a ${value.constructor.name} cannot be compared by value`);
  }
  const proto: unknown = Object.getPrototypeOf(value);
  const typeName = proto === Object.prototype || proto === null ? '' : (value.constructor?.name ?? '?');
  const record = value as Record<string, unknown>;
  const fields = Object.keys(record)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${encode(record[k], depth + 1, fail)}`);
  return `${typeName}{${fields.join(',')}}`;
}
