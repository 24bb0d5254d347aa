import { Packr, Unpackr, type Options } from 'msgpackr';
import type { StateValueCodec } from '../serialization/state-codec';

// How state values become bytes in checkpoint files (docs/checkpoint-format.md, "Section contents"):
// msgpackr with records embedded (`sequential`) and its extensions for Map, Set, Date, typed arrays,
// undefined and BigInt. A copy through the same encoding is what a restore would give back, so a
// backend that preserves a value for a running snapshot by copying it changes nothing a checkpoint holds.

export const STATE_VALUE_OPTIONS: Readonly<Options> = { sequential: true, moreTypes: true, useBigIntExtension: true };

/**
 * A deep copy of a state value as the checkpoint format keeps it (prototypes and identity are not
 * kept, as on restore). Primitives come back as they are. A value the format cannot hold (a cycle)
 * comes back uncopied: the snapshot that needs it fails on it with the state's name anyway. With the
 * `codec` of the state's custom serializers (serialization/state-codec.ts), the copy is what they
 * write and read back (a class instance stays one), under the same rule.
 */
export function copyStateValue(value: unknown, codec?: StateValueCodec): unknown {
  if (typeof value !== 'object' || value === null) return value;
  try {
    if (codec !== undefined) return codec.fromSerialized(codec.toSerialized(value));
    return new Unpackr({ ...STATE_VALUE_OPTIONS }).unpack(new Packr({ ...STATE_VALUE_OPTIONS }).pack(value));
  } catch {
    return value;
  }
}
