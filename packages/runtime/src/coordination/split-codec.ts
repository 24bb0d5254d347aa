import { Packr, Unpackr } from 'msgpackr';
import type { SimpleVersionedSerializer } from '@flott/core';

/** The msgpack options of checkpoint sections (docs/checkpoint-format.md), so values round-trip the same way. */
const OPTIONS = { moreTypes: true, useBigIntExtension: true } as const;

/**
 * A value in its checkpoint and event form: as it is (plain data, msgpack'd with the rest) when the
 * source brings no serializer, or `{ v, b }` (its serializer's version and bytes) when it does, so a
 * newer serializer reads what an older one wrote.
 */
export class VersionedCodec<T> {
  constructor(private readonly serializer?: SimpleVersionedSerializer<T>) {}

  encode(value: T): unknown {
    const s = this.serializer;
    return s ? { v: s.getVersion(), b: s.serialize(value) } : value;
  }

  decode(form: unknown): T {
    const s = this.serializer;
    if (!s) return form as T;
    const { v, b } = form as { v: number; b: Uint8Array };
    return s.deserialize(v, b);
  }
}

/** One value to bytes (a coordinator's checkpoint state). */
export function packValue(value: unknown): Uint8Array {
  return new Packr({ ...OPTIONS }).pack(value);
}

export function unpackValue(bytes: Uint8Array): unknown {
  return new Unpackr({ ...OPTIONS }).unpack(bytes);
}
