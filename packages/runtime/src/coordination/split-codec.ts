import { Packr, Unpackr } from 'msgpackr';
import type { SimpleVersionedSerializer } from '@flott/core';

/** The msgpack options of checkpoint sections (docs/checkpoint-format.md), so values round-trip the same way. */
const OPTIONS = { moreTypes: true, useBigIntExtension: true } as const;

/**
 * A value in its checkpoint and event form: as it is (plain data, msgpack'd with the rest) when the
 * source brings no serializer, or `{ v, b }` (its serializer's version and bytes) when it does, so a
 * newer serializer reads what an older one wrote. A source that brings a serializer later reads the
 * plain values of its older checkpoints as version 0: their msgpack bytes.
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
    if (!isVersioned(form)) return s.deserialize(0, packValue(form));
    return s.deserialize(form.v, form.b);
  }
}

function isVersioned(form: unknown): form is { v: number; b: Uint8Array } {
  const f = form as { v?: unknown; b?: unknown } | null;
  return typeof f === 'object' && f !== null && typeof f.v === 'number' && f.b instanceof Uint8Array && Object.keys(f).length === 2;
}

/** One value to bytes (a coordinator's checkpoint state). */
export function packValue(value: unknown): Uint8Array {
  return new Packr({ ...OPTIONS }).pack(value);
}

export function unpackValue(bytes: Uint8Array): unknown {
  return new Unpackr({ ...OPTIONS }).unpack(bytes);
}
