import type { StateDescriptor } from '@flott/core';
import { KeyGroupOutOfRangeError } from '../../errors';
import type { KeyGroupRange, KeyedStateBackend, KeyedStateSnapshotResources, StateEntry } from '../../spi/state-backend';
import { copyStateValue } from '../../snapshot/state-copy';
import { stateCodecOf, type StateValueCodec } from '../../serialization/state-codec';

export interface InMemoryKeyedStateBackendOptions {
  /** Maps a key to its key group, checked against the range at setCurrentKey; without it every key is in range. */
  readonly keyGroupOf?: (key: unknown) => number;
  /** Named in KeyGroupOutOfRangeError. */
  readonly operatorId?: string;
}

/**
 * A keyed state backend for operator tests: one Map per (state, namespace), keyed by the current
 * key. Keys are compared by their JSON form so that equal composite keys (arrays, objects) meet,
 * as they would after serialisation in a real backend. Runs the StateBackend contract suite
 * (in-memory-keyed-state-backend.spec.ts), given the parameters' `keyGroupOf` and `operatorId`.
 */
export class InMemoryKeyedStateBackend implements KeyedStateBackend {
  private readonly tables = new Map<string, Map<string, unknown>>();
  private readonly keysById = new Map<string, unknown>();
  /** The custom serializers' codecs by state name (a snapshot's copy of such a state goes through them). */
  private readonly codecs = new Map<string, StateValueCodec>();
  private currentKey: unknown;
  private currentKeyId: string | undefined;
  private disposed = false;

  constructor(
    readonly keyGroupRange: KeyGroupRange = { startKeyGroup: 0, endKeyGroup: 127 },
    private readonly options: InMemoryKeyedStateBackendOptions = {},
  ) {}

  setCurrentKey(key: unknown): void {
    this.checkOpen();
    // As the real backends: a key selector that gives null or undefined fails the record's task.
    if (key === null || key === undefined) throw new TypeError('keys must not be null or undefined');
    if (this.options.keyGroupOf) {
      const keyGroup = this.options.keyGroupOf(key);
      const { startKeyGroup, endKeyGroup } = this.keyGroupRange;
      if (!Number.isInteger(keyGroup) || keyGroup < startKeyGroup || keyGroup > endKeyGroup) {
        throw new KeyGroupOutOfRangeError(keyGroup, this.keyGroupRange, this.options.operatorId ?? 'under test');
      }
    }
    this.currentKey = key;
    this.currentKeyId = keyId(key);
    this.keysById.set(this.currentKeyId, key);
  }

  getCurrentKey(): unknown {
    return this.currentKey;
  }

  get(descriptor: StateDescriptor, namespace = ''): unknown {
    const current = this.keyInUse();
    return this.tables.get(tableId(descriptor, namespace))?.get(current);
  }

  put(descriptor: StateDescriptor, value: unknown, namespace = ''): void {
    const current = this.keyInUse();
    const codec = stateCodecOf(descriptor);
    if (codec !== undefined) this.codecs.set(descriptor.name, codec);
    const id = tableId(descriptor, namespace);
    let table = this.tables.get(id);
    if (!table) this.tables.set(id, (table = new Map()));
    table.set(current, value);
  }

  clear(descriptor: StateDescriptor, namespace = ''): void {
    const current = this.keyInUse();
    this.tables.get(tableId(descriptor, namespace))?.delete(current);
  }

  getKeys(descriptor: StateDescriptor, namespace = ''): unknown[] {
    this.checkOpen();
    return [...(this.tables.get(tableId(descriptor, namespace))?.keys() ?? [])].map((id) => this.keysById.get(id));
  }

  numEntries(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.size;
    return n;
  }

  nonEmptyKeyGroups(): number[] {
    this.checkOpen();
    const groups = new Set<number>();
    for (const table of this.tables.values()) for (const id of table.keys()) groups.add(this.keyGroupOf(this.keysById.get(id)));
    return [...groups].sort((a, b) => a - b);
  }

  *entriesOfKeyGroup(keyGroup: number): Iterable<StateEntry> {
    this.checkOpen();
    for (const [tid, table] of this.tables) {
      const sep = tid.indexOf('\u0000');
      const stateName = tid.slice(0, sep);
      const namespace = tid.slice(sep + 1);
      for (const [id, value] of table) {
        const key = this.keysById.get(id);
        if (this.keyGroupOf(key) === keyGroup) yield { key, stateName, namespace: namespace === '' ? undefined : namespace, value };
      }
    }
  }

  /**
   * Copies every entry now (the simple way to the snapshot contract; a test backend's state is small):
   * later changes never show in it.
   */
  snapshot(_checkpointId: number): KeyedStateSnapshotResources {
    const groups = new Map<number, StateEntry[]>();
    for (const keyGroup of this.nonEmptyKeyGroups()) {
      groups.set(keyGroup, [...this.entriesOfKeyGroup(keyGroup)].map((e) => ({ ...e, value: copyStateValue(e.value, this.codecs.get(e.stateName)) })));
    }
    let released = false;
    const open = (): Map<number, StateEntry[]> => {
      if (released || this.disposed) throw new Error('Assertion failed: a keyed state snapshot read after its release or the backend\'s dispose');
      return groups;
    };
    return {
      keyGroups: () => [...open().keys()],
      entriesOfKeyGroup: (keyGroup) => open().get(keyGroup) ?? [],
      release: () => {
        released = true;
        groups.clear();
      },
    };
  }

  /** Every stored value of one state, by key (JSON form), for assertions. */
  entries(descriptorName: string, namespace = ''): Map<string, unknown> {
    return new Map(this.tables.get(`${descriptorName}\u0000${namespace}`) ?? []);
  }

  dispose(): void {
    this.disposed = true;
    this.tables.clear();
  }

  /** Without the options' keyGroupOf every key is in the range's first group. */
  private keyGroupOf(key: unknown): number {
    return this.options.keyGroupOf ? this.options.keyGroupOf(key) : this.keyGroupRange.startKeyGroup;
  }

  private checkOpen(): void {
    if (this.disposed) throw new Error('Assertion failed: keyed state backend used after dispose()');
  }

  /** The current key's id; state access before any setCurrentKey is a broken invariant. */
  private keyInUse(): string {
    this.checkOpen();
    if (this.currentKeyId === undefined) throw new Error('Assertion failed: keyed state accessed before setCurrentKey()');
    return this.currentKeyId;
  }
}

function tableId(descriptor: StateDescriptor, namespace: string): string {
  return `${descriptor.name}\u0000${namespace}`;
}

function keyId(key: unknown): string {
  return typeof key === 'string' ? `s${key}` : `j${JSON.stringify(key, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`;
}
