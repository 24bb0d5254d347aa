import { FlottError } from '@flott/core';
import { canonicalKey as canonical } from '@flott/runtime/spi';

/** A key the heap backend cannot compare by value (functions, symbols, cycles, Sets...). */
export class UnsupportedStateKeyError extends FlottError {
  constructor(reason: string) {
    super('UNSUPPORTED_STATE_KEY', `Unsupported state key: ${reason}. Use primitives, arrays, plain objects, Dates or byte arrays.`, { reason });
  }
}

export { isPrimitiveKey } from '@flott/runtime/spi';
export type { PrimitiveKey } from '@flott/runtime/spi';

/** The runtime's canonical key, failing with this backend's error. */
export function canonicalKey(key: unknown): string {
  return canonical(key, (reason) => new UnsupportedStateKeyError(reason));
}
