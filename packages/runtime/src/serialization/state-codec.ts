import { StateSerializerMismatchError, type AbstractStateDescriptor, type StateDescriptor, type TypeSerializer } from '@flott/core';
import { StateDeserializationError, StateSerializationError } from '../errors';
import { mapKeyOf, type EntryTable } from './map-keys';

// Custom serializers on state descriptors (StateDescriptor.valueSerializer, .mapKeySerializer). A state
// whose descriptor has one is written into snapshots in its *serialized form*: the value as the keyed
// handles store it (keyed-state-handles.ts), with each user value replaced by the serializer's bytes
// (a Buffer, msgpack's bin), and the keyed state file marks the state so (docs/checkpoint-format.md):
//   value, reducing, aggregating   bytes                          with TTL [bytes, t]
//   list                           [bytes, ...]                   with TTL [[bytes, t], ...]
//   map                            [key, value, t, key, value, t, ...], key and value each bytes when it has a serializer
// Working state stays as the backend keeps it (the heap backend: live objects; lmdb stores the
// serialized form, state-backends' lmdb-keyed-state-backend.ts).

/** Converts one state's stored values to their serialized form and back. */
export interface StateValueCodec {
  toSerialized(stored: unknown): unknown;
  fromSerialized(form: unknown): unknown;
}

const codecs = new WeakMap<object, StateValueCodec | null>();

/**
 * The codec of `descriptor`'s custom serializers, or undefined when it has none (msgpack). Made once
 * per descriptor object; cheap for descriptors without serializers (state backends ask on access).
 */
export function stateCodecOf(descriptor: StateDescriptor): StateValueCodec | undefined {
  if (descriptor.valueSerializer === undefined && descriptor.mapKeySerializer === undefined) return undefined;
  let codec = codecs.get(descriptor);
  if (codec === undefined) codecs.set(descriptor, (codec = makeCodec(descriptor) ?? null));
  return codec ?? undefined;
}

function makeCodec(d: StateDescriptor): StateValueCodec | undefined {
  const name = d.name;
  const ttl = (d as Partial<AbstractStateDescriptor<unknown>>).getTtlConfig?.()?.isEnabled() === true;
  const value = d.valueSerializer && serializing(name, d.valueSerializer);
  const key = d.mapKeySerializer && serializing(name, d.mapKeySerializer);
  if (d.kind === 'map') {
    const k = key ?? PLAIN;
    const v = value ?? PLAIN;
    return {
      toSerialized(stored) {
        const table = stored as EntryTable<unknown, unknown>;
        const flat = new Array<unknown>(table.size * 3);
        let i = 0;
        for (const e of table.values()) {
          flat[i++] = k.to(e.key);
          flat[i++] = v.to(e.value);
          flat[i++] = e.t;
        }
        return flat;
      },
      fromSerialized(form) {
        const flat = expectArray(name, form, 'map entries');
        if (flat.length % 3 !== 0) throw new StateDeserializationError(name, 'map entries are not (key, value, time) triples');
        const table: EntryTable<unknown, unknown> = new Map();
        for (let i = 0; i < flat.length; i += 3) {
          const userKey = k.from(flat[i]);
          table.set(mapKeyOf(userKey), { key: userKey, value: v.from(flat[i + 1]), t: flat[i + 2] as number });
        }
        return table;
      },
    };
  }
  if (value === undefined) return undefined;
  const element: Side = ttl
    ? {
        to: (e) => [value.to((e as TtlValue).v), (e as TtlValue).t],
        from: (f) => {
          const pair = expectArray(name, f, 'a value with its time');
          return { v: value.from(pair[0]), t: pair[1] as number } satisfies TtlValue;
        },
      }
    : value;
  if (d.kind === 'list') {
    return {
      toSerialized: (stored) => (stored as unknown[]).map(element.to),
      fromSerialized: (form) => expectArray(name, form, 'list elements').map(element.from),
    };
  }
  return { toSerialized: element.to, fromSerialized: element.from };
}

/** One user value to its serialized form and back. */
export interface Side {
  to(value: unknown): unknown;
  from(form: unknown): unknown;
}

/** The side of a value without a serializer: msgpack writes it as it is. */
export const PLAIN: Side = { to: (v) => v, from: (v) => v };

/** Restored state written by a custom serializer, asked for with a descriptor that has none (keyed and operator state). */
export function noSerializerToRead(stateName: string): StateSerializerMismatchError {
  return new StateSerializerMismatchError(stateName,
    'the snapshot holds it written by a custom serializer, and its descriptor has none: give the descriptor the serializer that wrote it');
}

/** One user value of state `name` through `serializer` (its bytes as a Buffer), failures named after the state. */
export function serializing(name: string, serializer: TypeSerializer<unknown>): Side {
  return {
    to(value) {
      let bytes: unknown;
      try {
        bytes = serializer.serialize(value);
      } catch (e) {
        throw new StateSerializationError(name, `its serializer failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (!(bytes instanceof Uint8Array)) throw new StateSerializationError(name, `its serializer returned ${describe(bytes)}, not a Uint8Array`);
      // A Buffer is msgpack's bin (a plain Uint8Array would be a typed-array extension): a view, no copy.
      return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    from(form) {
      if (!(form instanceof Uint8Array)) throw new StateDeserializationError(name, `expected the serializer's bytes, found ${describe(form)}`);
      try {
        return serializer.deserialize(form);
      } catch (e) {
        throw new StateDeserializationError(name, `its serializer failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
  };
}

/**
 * A serialized form read from a file, with its byte arrays as Buffers: a file read into a plain
 * Uint8Array decodes bin as Uint8Arrays, which msgpack would write back as typed-array extensions.
 */
export function asBufferForm(form: unknown): unknown {
  if (Array.isArray(form)) return form.map(asBufferForm);
  if (form instanceof Uint8Array && !Buffer.isBuffer(form)) return Buffer.from(form.buffer, form.byteOffset, form.byteLength);
  return form;
}

function expectArray(name: string, form: unknown, what: string): unknown[] {
  if (!Array.isArray(form)) throw new StateDeserializationError(name, `expected ${what}, found ${describe(form)}`);
  return form;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'an object';
}

/** A value with the time it was last written, as the keyed handles keep one with TTL (state/ttl-policy.ts). */
interface TtlValue {
  readonly v: unknown;
  readonly t: number;
}
