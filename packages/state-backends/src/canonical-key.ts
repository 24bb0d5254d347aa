import { FlottError } from '@flott/core';
import { canonicalKey as canonical, isPrimitiveKey as runtimeIsPrimitiveKey, type PrimitiveKey } from '@flott/runtime/spi';

/** A key the heap backend cannot compare by value (functions, symbols, cycles, Sets...). */
export class UnsupportedStateKeyError extends FlottError {
  constructor(reason: string) {
    super('UNSUPPORTED_STATE_KEY', `Unsupported state key: ${reason}. Use primitives, arrays, plain objects, Dates or byte arrays.`, { reason });
  }
}

/**
 * The runtime's test, bound once here: a re-export compiles to a getter (through the spi barrel's, a
 * second one), which setCurrentKey would call on every record (~20 ns of a keyed job's ~600 a record).
 */
export const isPrimitiveKey: (key: unknown) => key is PrimitiveKey = runtimeIsPrimitiveKey;
export type { PrimitiveKey } from '@flott/runtime/spi';

/** The runtime's canonical key, failing with this backend's error. */
export function canonicalKey(key: unknown): string {
  return canonical(key, (reason) => new UnsupportedStateKeyError(reason));
}
