import { FlottError } from '../../errors';

const MAX_DEPTH = 32;

/** A timer key or namespace that cannot be compared by value (functions, symbols, cycles, Sets...). */
export class UnsupportedTimerKeyError extends FlottError {
  constructor(reason: string) {
    super('UNSUPPORTED_TIMER_KEY', `Unsupported timer key or namespace: ${reason}. Use primitives, arrays, plain objects or Dates.`, { reason });
  }
}

/**
 * A string equal for values equal by value, so a timer registered twice for a key that arrived as two
 * fresh (deserialised) tuples is one timer, as Flink compares keys with equals/hashCode. The same idea
 * as the hashmap backend's canonical keys; primitives take a short path because every record pays it.
 */
export function valueId(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `s${value}`;
    case 'number':
      return `n${Object.is(value, -0) ? 0 : value}`;
    default:
      return encode(value, 0);
  }
}

function encode(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new UnsupportedTimerKeyError(`nested deeper than ${MAX_DEPTH} levels (a cycle?)`);
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
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((v) => encode(v, depth + 1)).join(',')}]`;
      if (value instanceof Date) return `d${value.getTime()}`;
      if (ArrayBuffer.isView(value)) return `x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
      if (value instanceof Map || value instanceof Set || value instanceof Promise || value instanceof WeakMap) {
        throw new UnsupportedTimerKeyError(`a ${value.constructor.name} cannot be compared by value`);
      }
      const record = value as Record<string, unknown>;
      const fields = Object.keys(record)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${encode(record[k], depth + 1)}`);
      return `{${fields.join(',')}}`;
    }
    default:
      throw new UnsupportedTimerKeyError(`a ${typeof value} cannot be compared by value`);
  }
}
