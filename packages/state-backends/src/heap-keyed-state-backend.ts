import { assert, KeyGroupOutOfRangeError } from '@flott/runtime';
import type { KeyedStateBackend, KeyedStateBackendParameters, KeyGroupRange, StateDescriptor } from '@flott/runtime';
import { canonicalKey, isPrimitiveKey, UnsupportedStateKeyError } from './canonical-key';

/** All state of one key: state name → namespace → value (undefined namespace = no namespace). */
interface KeyEntry {
  readonly key: unknown;
  readonly states: Map<string, Map<string | undefined, unknown>>;
}

/**
 * The keys of one key group. Primitive keys index the map directly (the hot path); composite keys by
 * their canonical form, in a separate map so a string key can never collide with an encoding.
 */
class KeyGroupState {
  readonly primitives = new Map<unknown, KeyEntry>();
  readonly composites = new Map<string, KeyEntry>();

  get size(): number {
    return this.primitives.size + this.composites.size;
  }
}

export interface StateEntry {
  readonly key: unknown;
  readonly stateName: string;
  readonly namespace: string | undefined;
  readonly value: unknown;
}

/**
 * Keyed state on the JS heap, organised by key group (one slot per group of the range), so a
 * snapshot or a rescale can take whole key groups. Used on the task's mailbox thread only.
 */
export class HeapKeyedStateBackend implements KeyedStateBackend {
  readonly keyGroupRange: KeyGroupRange;
  private readonly groups: Array<KeyGroupState | undefined>;
  private entries = 0;
  private disposed = false;
  private hasKey = false;
  private currentKey: unknown;
  private currentGroupIndex = 0;
  /** Canonical form of a composite current key; undefined for a primitive key. */
  private currentComposite: string | undefined;
  /** Resolved lazily on the first access after setCurrentKey. */
  private currentEntry: KeyEntry | undefined;

  constructor(private readonly params: KeyedStateBackendParameters) {
    const { startKeyGroup, endKeyGroup } = params.keyGroupRange;
    assert(
      Number.isInteger(startKeyGroup) && Number.isInteger(endKeyGroup) && startKeyGroup >= 0 && startKeyGroup <= endKeyGroup &&
        endKeyGroup < params.maxParallelism,
      `invalid key-group range [${startKeyGroup}, ${endKeyGroup}] for max parallelism ${params.maxParallelism}`,
    );
    this.keyGroupRange = { startKeyGroup, endKeyGroup };
    this.groups = new Array<KeyGroupState | undefined>(endKeyGroup - startKeyGroup + 1);
  }

  setCurrentKey(key: unknown): void {
    // Consecutive records of one primitive key (hot keys) skip the key-group work; the resolved entry
    // stays valid because clear() drops it when it removes the entry.
    if (this.hasKey && this.currentComposite === undefined && Object.is(key, this.currentKey) && !this.disposed) return;
    this.checkOpen();
    if (key === null || key === undefined) throw new UnsupportedStateKeyError('keys must not be null or undefined');
    const keyGroup = this.params.keyGroupOf(key);
    const { startKeyGroup, endKeyGroup } = this.keyGroupRange;
    if (!Number.isInteger(keyGroup) || keyGroup < startKeyGroup || keyGroup > endKeyGroup) {
      throw new KeyGroupOutOfRangeError(keyGroup, this.keyGroupRange, this.params.operatorId);
    }
    this.currentComposite = isPrimitiveKey(key) ? undefined : canonicalKey(key);
    this.currentKey = key;
    this.currentGroupIndex = keyGroup - startKeyGroup;
    this.currentEntry = undefined;
    this.hasKey = true;
  }

  getCurrentKey(): unknown {
    return this.currentKey;
  }

  get(descriptor: StateDescriptor, namespace?: string): unknown {
    return this.entry(false)?.states.get(descriptor.name)?.get(namespace);
  }

  put(descriptor: StateDescriptor, value: unknown, namespace?: string): void {
    // Flink's value state treats update(null) as clear; an undefined value is never stored.
    if (value === undefined) return this.clear(descriptor, namespace);
    const entry = this.entry(true) as KeyEntry;
    let byNamespace = entry.states.get(descriptor.name);
    if (!byNamespace) entry.states.set(descriptor.name, (byNamespace = new Map()));
    if (!byNamespace.has(namespace)) this.entries++;
    byNamespace.set(namespace, value);
  }

  clear(descriptor: StateDescriptor, namespace?: string): void {
    const entry = this.entry(false);
    const byNamespace = entry?.states.get(descriptor.name);
    if (!entry || !byNamespace || !byNamespace.delete(namespace)) return;
    this.entries--;
    if (byNamespace.size > 0) return;
    entry.states.delete(descriptor.name);
    if (entry.states.size > 0) return;
    // Dropping empty keys keeps memory proportional to live state, as Flink's heap backend does.
    const group = this.groups[this.currentGroupIndex] as KeyGroupState;
    if (this.currentComposite === undefined) group.primitives.delete(this.currentKey);
    else group.composites.delete(this.currentComposite);
    if (group.size === 0) this.groups[this.currentGroupIndex] = undefined;
    this.currentEntry = undefined;
  }

  getKeys(descriptor: StateDescriptor, namespace?: string): unknown[] {
    this.checkOpen();
    const keys: unknown[] = [];
    for (const group of this.groups) {
      if (!group) continue;
      for (const entry of [...group.primitives.values(), ...group.composites.values()]) {
        if (entry.states.get(descriptor.name)?.has(namespace)) keys.push(entry.key);
      }
    }
    return keys;
  }

  numEntries(): number {
    return this.entries;
  }

  /** Every entry of one key group, for snapshots and rescaling by key-group range. */
  *entriesOfKeyGroup(keyGroup: number): Iterable<StateEntry> {
    this.checkOpen();
    const { startKeyGroup, endKeyGroup } = this.keyGroupRange;
    if (keyGroup < startKeyGroup || keyGroup > endKeyGroup) throw new KeyGroupOutOfRangeError(keyGroup, this.keyGroupRange, this.params.operatorId);
    const group = this.groups[keyGroup - startKeyGroup];
    if (!group) return;
    for (const entry of [...group.primitives.values(), ...group.composites.values()]) {
      for (const [stateName, byNamespace] of entry.states) {
        for (const [namespace, value] of byNamespace) yield { key: entry.key, stateName, namespace, value };
      }
    }
  }

  /** Key groups that hold at least one entry, ascending. */
  nonEmptyKeyGroups(): number[] {
    const result: number[] = [];
    this.groups.forEach((g, i) => {
      if (g) result.push(this.keyGroupRange.startKeyGroup + i);
    });
    return result;
  }

  dispose(): void {
    this.groups.fill(undefined);
    this.entries = 0;
    this.currentEntry = undefined;
    this.disposed = true;
  }

  private entry(create: boolean): KeyEntry | undefined {
    this.checkOpen();
    assert(this.hasKey, 'keyed state accessed before setCurrentKey (state is only available in keyed contexts)');
    if (this.currentEntry) return this.currentEntry;
    let group = this.groups[this.currentGroupIndex];
    if (!group) {
      if (!create) return undefined;
      this.groups[this.currentGroupIndex] = group = new KeyGroupState();
    }
    const composite = this.currentComposite;
    let entry = composite === undefined ? group.primitives.get(this.currentKey) : group.composites.get(composite);
    if (!entry && create) {
      entry = { key: this.currentKey, states: new Map() };
      if (composite === undefined) group.primitives.set(this.currentKey, entry);
      else group.composites.set(composite, entry);
    }
    this.currentEntry = entry;
    return entry;
  }

  private checkOpen(): void {
    // Per state access: the message is built only when the check fails.
    if (this.disposed) assert(false, `keyed state backend of operator ${this.params.operatorId} used after dispose`);
  }
}
