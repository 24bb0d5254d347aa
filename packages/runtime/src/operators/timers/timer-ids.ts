import { FlottError } from '@flott/core';
import { canonicalKey } from '../../util/canonical-key';

/** A timer key or namespace that cannot be compared by value (functions, symbols, cycles, Sets...). */
export class UnsupportedTimerKeyError extends FlottError {
  constructor(reason: string) {
    super('UNSUPPORTED_TIMER_KEY', `Unsupported timer key or namespace: ${reason}. Use primitives, arrays, plain objects or Dates.`, { reason });
  }
}

/**
 * A string equal for values equal by value, so a timer registered twice for a key that arrived as two
 * fresh (deserialised) tuples is one timer, as Flink compares keys with equals/hashCode: the runtime's canonical
 * key, with a short path for strings and numbers (same forms) because every record pays it.
 */
export function valueId(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return `n${Object.is(value, -0) ? 0 : value}`;
    default:
      return canonicalKey(value, (reason) => new UnsupportedTimerKeyError(reason));
  }
}
