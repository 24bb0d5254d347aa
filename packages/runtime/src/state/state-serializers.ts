import { StateSerializerMismatchError, type StateDescriptor } from '@flott/core';
import type { KeyedStateBackend } from '../spi/state-backend';
import { mapKeyOf } from '../serialization/map-keys';
import { asBufferForm, noSerializerToRead, stateCodecOf, type StateValueCodec } from '../serialization/state-codec';

// Restored entries of states with custom serializers (serialization/state-codec.ts), until their descriptors come.

/** A restored entry of a state written with a serializer, in its serialized form. */
export interface SerializedEntry {
  readonly key: unknown;
  readonly namespace: string | undefined;
  readonly form: unknown;
}

const registries = new WeakMap<KeyedStateBackend, KeyedStateSerializers>();

/**
 * The custom serializers of one keyed backend's states, and what a restore brought in their serialized
 * form before the states' descriptors were seen. A restored entry cannot become a value before its
 * descriptor (with the serializer) is registered, which happens when the operator first asks for the
 * state (DefaultKeyedStateStore), usually in open(): until then such entries wait here, and snapshots
 * write them as they came. One per backend (every state store over a backend shares it), made on first use.
 */
export class KeyedStateSerializers {
  private readonly registered = new Set<string>();
  private readonly codecs = new Map<string, StateValueCodec>();
  /** States restored with entries written without a serializer. */
  private readonly restoredPlain = new Set<string>();
  /** Waiting entries: by key group, state name, then an id of (key, namespace). */
  private readonly pending = new Map<number, Map<string, Map<unknown, SerializedEntry>>>();
  private readonly pendingStates = new Set<string>();

  static of(backend: KeyedStateBackend): KeyedStateSerializers {
    let registry = registries.get(backend);
    if (registry === undefined) registries.set(backend, (registry = new KeyedStateSerializers()));
    return registry;
  }

  /** The registry of `backend` if anything used one (a snapshot of a backend without custom serializers needs none). */
  static peek(backend: KeyedStateBackend): KeyedStateSerializers | undefined {
    return registries.get(backend);
  }

  /** The codec of a registered state, undefined when its descriptor has no serializer (or was not registered). */
  codecOf(stateName: string): StateValueCodec | undefined {
    return this.codecs.get(stateName);
  }

  /**
   * The operator asked for the state of `descriptor` (the first descriptor of a name counts): its
   * codec is noted for snapshots, and its waiting restored entries become values in `backend`. Throws
   * a StateSerializerMismatchError when the restored state and the descriptor disagree on having a serializer.
   */
  register(descriptor: StateDescriptor, backend: KeyedStateBackend): void {
    const name = descriptor.name;
    if (this.registered.has(name)) return;
    this.registered.add(name);
    const codec = stateCodecOf(descriptor);
    if (codec !== undefined) this.codecs.set(name, codec);
    if (codec !== undefined && this.restoredPlain.has(name)) {
      throw new StateSerializerMismatchError(name,
        'the snapshot holds it without a custom serializer (msgpack), and its descriptor now has one; state is not converted between the two: restore it with the descriptor it was written with');
    }
    if (!this.pendingStates.has(name)) return;
    if (codec === undefined) throw noSerializerToRead(name);
    this.pendingStates.delete(name);
    const previous = backend.getCurrentKey();
    try {
      for (const [group, states] of this.pending) {
        const entries = states.get(name);
        if (entries === undefined) continue;
        for (const e of entries.values()) {
          backend.setCurrentKey(e.key);
          backend.put(descriptor, codec.fromSerialized(e.form), e.namespace);
        }
        states.delete(name);
        if (states.size === 0) this.pending.delete(group);
      }
    } finally {
      if (previous !== undefined) backend.setCurrentKey(previous);
    }
  }

  /** A restore brought entries of `stateName` written without a serializer. */
  restoredWithoutSerializer(stateName: string): void {
    this.restoredPlain.add(stateName);
  }

  /** A restore brought an entry in serialized form (a later file of an incremental chain replaces an earlier one's). */
  addRestored(keyGroup: number, stateName: string, entry: SerializedEntry): void {
    let states = this.pending.get(keyGroup);
    if (states === undefined) this.pending.set(keyGroup, (states = new Map()));
    let entries = states.get(stateName);
    if (entries === undefined) states.set(stateName, (entries = new Map()));
    entries.set(entryId(entry.key, entry.namespace), { ...entry, form: asBufferForm(entry.form) });
    this.pendingStates.add(stateName);
  }

  /** Whether entries of `stateName` wait in serialized form (a change file's removals then apply here). */
  isPending(stateName: string): boolean {
    return this.pendingStates.has(stateName);
  }

  removeRestored(keyGroup: number, stateName: string, key: unknown, namespace: string | undefined): void {
    this.pending.get(keyGroup)?.get(stateName)?.delete(entryId(key, namespace));
  }

  /**
   * The waiting entries as they are now, by key group (ascending) and state: a snapshot's synchronous
   * part takes them, since a state registered while its asynchronous part runs leaves this registry.
   */
  pendingNow(): ReadonlyMap<number, ReadonlyArray<readonly [stateName: string, entries: readonly SerializedEntry[]]>> {
    const now = new Map<number, Array<readonly [string, readonly SerializedEntry[]]>>();
    for (const group of [...this.pending.keys()].sort((a, b) => a - b)) {
      const states = [...this.pending.get(group)!].filter(([, entries]) => entries.size > 0).map(([name, entries]) => [name, [...entries.values()]] as const);
      if (states.length > 0) now.set(group, states);
    }
    return now;
  }
}

function entryId(key: unknown, namespace: string | undefined): unknown {
  return mapKeyOf([key, namespace ?? null]);
}
