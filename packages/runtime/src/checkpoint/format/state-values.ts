import { Packr, Unpackr } from 'msgpackr';
import { STATE_VALUE_OPTIONS as OPTIONS } from '../../snapshot/state-copy';
import { StateSerializationError } from '../../errors';
import type { SectionedFileReader } from './sectioned-file';

// How JS values (keys, namespaces, state values, operator state elements) become the bytes of one
// section. msgpackr with records embedded in the section (`sequential`), its extensions for Map, Set,
// Date, typed arrays, undefined and BigInt of any size: these round-trip exactly. Not kept: object
// identity (a value referenced twice comes back as two copies; a cycle cannot be written), class
// prototypes (an instance comes back as a plain object), -0 (comes back as 0), holes in arrays (come
// back as undefined), functions and symbols (dropped). `structuredClone` would keep identity but made
// packing about four times slower in a measurement of 300 K window entries, and snapshots are hot.
//
// A fresh Packr per section: a sequential Packr that is reused refers to records it defined in an
// earlier call, and each section must decode on its own (ranged reads). Creating one costs about 1 µs.

/** One section's value to bytes. Throws what msgpackr throws (a RangeError for cyclic values). */
export function packSection(value: unknown): Uint8Array {
  return new Packr({ ...OPTIONS }).pack(value);
}

/** A value packed alone with packSection, back (a CorruptCheckpointError about `what` through `fail` when it cannot be). */
export function unpackValue(bytes: Uint8Array, fail: (reason: string) => never, what: string): unknown {
  try {
    return new Unpackr({ ...OPTIONS, copyBuffers: true }).unpack(bytes);
  } catch (e) {
    return fail(`${what} cannot be decoded: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Packs a section of state values. When msgpackr cannot, fails with a StateSerializationError naming
 * the state at fault, found (on this path only) by packing each of `states` alone; `otherwise` names
 * what else the section holds.
 */
export function packStateSection(value: unknown, states: ReadonlyArray<readonly [name: string, values: unknown, ...rest: unknown[]]>, otherwise: string): Uint8Array {
  try {
    return packSection(value);
  } catch (e) {
    const culprit = states.find(([, values]) => {
      try {
        packSection(values);
        return false;
      } catch {
        return true;
      }
    });
    const message = e instanceof Error ? e.message : String(e);
    throw new StateSerializationError(culprit?.[0] ?? otherwise,
      e instanceof RangeError ? `the value is cyclic or nested too deeply (${message})` : message);
  }
}

/**
 * The value of the `i`-th section of `reader`, checksum checked. `copyBuffers`: a decoded byte array
 * must not be a view that pins the whole file in memory. Bytes msgpackr cannot decode (possible only
 * when the writer was broken, since the checksum matched) fail as a CorruptCheckpointError about `what`.
 */
export function readSection(reader: SectionedFileReader, i: number, what: string): unknown {
  const bytes = reader.section(i);
  try {
    return new Unpackr({ ...OPTIONS, copyBuffers: true }).unpack(bytes);
  } catch (e) {
    return reader.fail(`${what} cannot be decoded: ${e instanceof Error ? e.message : String(e)}`);
  }
}
