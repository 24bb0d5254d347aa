import { assert, type StateDescriptor } from '@flott/core';
import { KeyGroupOutOfRangeError } from '@flott/runtime/common';
import { copyStateValue, stateCodecOf, type StateValueCodec } from '@flott/runtime/spi';
import type { KeyedStateBackend, KeyedStateBackendParameters, KeyedStateSnapshotResources, KeyGroupRange, StateEntry } from '@flott/runtime/spi';
import { canonicalKey, isPrimitiveKey, UnsupportedStateKeyError } from './canonical-key';
import { HeapSnapshotVersion, KeyGroupTable, type StateTableView } from './heap-snapshot';

/** Marks a value not looked up yet (undefined is a value: the entry is absent). */
const NOT_READ: unique symbol = Symbol('not read');

/** The key groups of one state (by name). */
class StateTable implements StateTableView {
  readonly groups: Array<KeyGroupTable | undefined>;
  constructor(
    readonly name: string,
    numGroups: number,
    /** The custom serializers' codec of the state (a copy preserved for a snapshot goes through it). */
    readonly codec: StateValueCodec | undefined,
  ) {
    this.groups = new Array<KeyGroupTable | undefined>(numGroups);
  }
}

/**
 * Keyed state on the JS heap, organised by key group (one slot per group of the range), so a
 * snapshot or a rescale can take whole key groups. Used on the task's mailbox thread only. Snapshots
 * are copy-on-write (heap-snapshot.ts): while one is written, an entry it still needs keeps its old
 * value aside before it changes, and an object handed out by `get` (which user code may change in
 * place) is copied for the snapshot first.
 */
export class HeapKeyedStateBackend implements KeyedStateBackend {
  readonly keyGroupRange: KeyGroupRange;
  private readonly numGroups: number;
  private readonly tables = new Map<string, StateTable>();
  /** The last table used, with its name: consecutive accesses to one state skip the lookup by name. */
  private lastTable: StateTable | undefined;
  /** The namespace map namespacesOf found last: of key `nsKey` in `nsGroup`. */
  private nsGroup: KeyGroupTable | undefined;
  private nsKey: unknown;
  private nsMap: Map<string, unknown> | undefined;
  /** Entries per key group (index = key group − start), so empty groups are known without a scan. */
  private readonly groupEntries: Int32Array;
  private entries = 0;
  private disposed = false;
  private hasKey = false;
  private currentKey: unknown;
  private currentGroupIndex = 0;
  /** Canonical form of a composite current key; undefined for a primitive key. */
  private currentComposite: string | undefined;
  /** Snapshots being written (several with max-concurrent-checkpoints > 1); empty on the hot path. */
  private readonly versions: HeapSnapshotVersion[] = [];

  constructor(private readonly params: KeyedStateBackendParameters) {
    const { startKeyGroup, endKeyGroup } = params.keyGroupRange;
    assert(
      Number.isInteger(startKeyGroup) && Number.isInteger(endKeyGroup) && startKeyGroup >= 0 && startKeyGroup <= endKeyGroup &&
        endKeyGroup < params.maxParallelism,
      `invalid key-group range [${startKeyGroup}, ${endKeyGroup}] for max parallelism ${params.maxParallelism}`,
    );
    this.keyGroupRange = { startKeyGroup, endKeyGroup };
    this.numGroups = endKeyGroup - startKeyGroup + 1;
    this.groupEntries = new Int32Array(this.numGroups);
  }

  setCurrentKey(key: unknown): void {
    // Consecutive records of one primitive key (hot keys) skip the key-group work.
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
    this.hasKey = true;
  }

  getCurrentKey(): unknown {
    return this.currentKey;
  }

  get(descriptor: StateDescriptor, namespace?: string): unknown {
    const group = this.group(descriptor, false);
    if (group === undefined) return undefined;
    const value = this.valueIn(group, namespace);
    // The caller may change an object in place: a snapshot that still needs it gets a copy first.
    if (this.versions.length !== 0 && typeof value === 'object' && value !== null) this.preserve(this.lastTable!, group, namespace, value);
    return value;
  }

  put(descriptor: StateDescriptor, value: unknown, namespace?: string): void {
    // Flink's value state treats update(null) as clear; an undefined value is never stored.
    if (value === undefined) return this.clear(descriptor, namespace);
    const group = this.group(descriptor, true) as KeyGroupTable;
    if (this.versions.length !== 0) this.preserve(this.lastTable!, group, namespace);
    const composite = this.currentComposite;
    let added: boolean;
    if (namespace === undefined) {
      if (composite === undefined) {
        const plain = group.plain;
        added = plain.size !== plain.set(this.currentKey, value).size;
      } else {
        const plain = (group.plainComposite ??= new Map());
        added = plain.size !== plain.set(composite, value).size;
        if (added) this.rememberCompositeKey(group, composite);
      }
    } else {
      let byNamespace: Map<string, unknown> | undefined;
      if (composite === undefined) {
        byNamespace = this.namespacesOf(group, true)!;
      } else {
        const namespaced = (group.namespacedComposite ??= new Map());
        byNamespace = namespaced.get(composite);
        if (byNamespace === undefined) {
          namespaced.set(composite, (byNamespace = new Map()));
          this.rememberCompositeKey(group, composite);
        }
      }
      added = byNamespace.size !== byNamespace.set(namespace, value).size;
    }
    if (added) {
      this.entries++;
      this.groupEntries[this.currentGroupIndex]++;
    }
  }

  clear(descriptor: StateDescriptor, namespace?: string): void {
    const group = this.group(descriptor, false);
    if (group === undefined) return;
    if (this.versions.length !== 0) this.preserve(this.lastTable!, group, namespace);
    const composite = this.currentComposite;
    let removed: boolean;
    if (namespace === undefined) {
      removed = composite === undefined ? group.plain.delete(this.currentKey) : group.plainComposite?.delete(composite) === true;
    } else {
      const namespaced = composite === undefined ? group.namespaced : group.namespacedComposite;
      const k = composite === undefined ? this.currentKey : composite;
      const byNamespace = (namespaced as Map<unknown, Map<string, unknown>> | undefined)?.get(k);
      if (byNamespace === undefined) {
        removed = false;
      } else if (byNamespace.size > 1) {
        removed = byNamespace.delete(namespace);
      } else {
        // The key's last namespace: the key goes (memory stays proportional to live state, as in Flink's heap
        // backend) with its map as it is. Deleting a Map's last entry makes V8 shrink its table in a runtime
        // call, ~1.5 µs, several times the lookups around it: a window's purge paid it once per key and window.
        removed = byNamespace.has(namespace);
        if (removed) {
          (namespaced as Map<unknown, unknown>).delete(k);
          if (byNamespace === this.nsMap) this.nsGroup = this.nsMap = undefined;
        }
      }
    }
    if (!removed) return;
    this.entries--;
    this.groupEntries[this.currentGroupIndex]--;
    if (composite !== undefined) this.forgetCompositeKeyIfUnused(group, composite);
  }

  getKeys(descriptor: StateDescriptor, namespace?: string): unknown[] {
    this.checkOpen();
    const keys: unknown[] = [];
    const table = this.tables.get(descriptor.name);
    if (!table) return keys;
    for (const group of table.groups) {
      if (!group) continue;
      if (namespace === undefined) {
        for (const key of group.plain.keys()) keys.push(key);
        for (const c of group.plainComposite?.keys() ?? []) keys.push(group.compositeKeys!.get(c));
      } else {
        for (const [key, byNamespace] of group.namespaced ?? []) if (byNamespace.has(namespace)) keys.push(key);
        for (const [c, byNamespace] of group.namespacedComposite ?? []) if (byNamespace.has(namespace)) keys.push(group.compositeKeys!.get(c));
      }
    }
    return keys;
  }

  numEntries(): number {
    return this.entries;
  }

  /** Every entry of one key group, by state, for snapshots and rescaling by key-group range. */
  *entriesOfKeyGroup(keyGroup: number): Iterable<StateEntry> {
    this.checkOpen();
    const { startKeyGroup, endKeyGroup } = this.keyGroupRange;
    if (keyGroup < startKeyGroup || keyGroup > endKeyGroup) throw new KeyGroupOutOfRangeError(keyGroup, this.keyGroupRange, this.params.operatorId);
    for (const table of this.tables.values()) {
      const group = table.groups[keyGroup - startKeyGroup];
      if (!group) continue;
      const stateName = table.name;
      for (const [key, value] of group.plain) yield { key, stateName, namespace: undefined, value };
      for (const [c, value] of group.plainComposite ?? []) yield { key: group.compositeKeys!.get(c), stateName, namespace: undefined, value };
      for (const [key, byNamespace] of group.namespaced ?? []) {
        for (const [namespace, value] of byNamespace) yield { key, stateName, namespace, value };
      }
      for (const [c, byNamespace] of group.namespacedComposite ?? []) {
        const key = group.compositeKeys!.get(c);
        for (const [namespace, value] of byNamespace) yield { key, stateName, namespace, value };
      }
    }
  }

  /** Key groups that hold at least one entry, ascending. */
  nonEmptyKeyGroups(): number[] {
    const result: number[] = [];
    this.groupEntries.forEach((n, i) => {
      if (n > 0) result.push(this.keyGroupRange.startKeyGroup + i);
    });
    return result;
  }

  /**
   * Marks a version: notes the non-empty key groups and the states; entries are preserved lazily as
   * they change (see the class comment). O(key groups + states), whatever the state's size.
   */
  snapshot(_checkpointId: number): KeyedStateSnapshotResources {
    this.checkOpen();
    const version = new HeapSnapshotVersion(this.keyGroupRange.startKeyGroup, this.groupEntries, this.tables.values(),
      (v) => {
        const i = this.versions.indexOf(v);
        if (i >= 0) this.versions.splice(i, 1);
      }, () => this.checkOpen());
    this.versions.push(version);
    return version.resources();
  }

  dispose(): void {
    this.versions.length = 0;
    this.tables.clear();
    this.lastTable = undefined;
    this.nsGroup = this.nsMap = undefined;
    this.groupEntries.fill(0);
    this.entries = 0;
    this.disposed = true;
  }

  /** The current key's value in `group` (undefined: none). */
  private valueIn(group: KeyGroupTable, namespace: string | undefined): unknown {
    const composite = this.currentComposite;
    if (namespace === undefined) {
      return composite === undefined ? group.plain.get(this.currentKey) : group.plainComposite?.get(composite);
    }
    const byNamespace = composite === undefined ? this.namespacesOf(group, false) : group.namespacedComposite?.get(composite);
    return byNamespace?.get(namespace);
  }

  /**
   * The current primitive key's values by namespace in `group` (created when `create`). The last one
   * found is kept: a window's get and put of one element look it up once.
   */
  private namespacesOf(group: KeyGroupTable, create: boolean): Map<string, unknown> | undefined {
    const key = this.currentKey;
    if (group === this.nsGroup && key === this.nsKey) return this.nsMap;
    let byNamespace = group.namespaced?.get(key);
    if (byNamespace === undefined) {
      if (!create) return undefined;
      (group.namespaced ??= new Map()).set(key, (byNamespace = new Map()));
    }
    this.nsGroup = group;
    this.nsKey = key;
    this.nsMap = byNamespace;
    return byNamespace;
  }

  /**
   * Keeps the current key's entry in `table` for every running snapshot that still needs it: its
   * value in `group` now, or with `copyOf` a copy of that object (which user code may change in place:
   * copied only when some snapshot keeps nothing for the entry yet).
   */
  private preserve(table: StateTable, group: KeyGroupTable | undefined, namespace: string | undefined, copyOf?: object): void {
    const groupIndex = this.currentGroupIndex;
    const composite = this.currentComposite;
    const key = this.currentKey;
    let value: unknown = NOT_READ;
    for (const v of this.versions) {
      if (!v.needs(table, groupIndex) || (copyOf !== undefined && v.keeps(table, groupIndex, composite, key, namespace))) continue;
      if (value === NOT_READ) value = copyOf !== undefined ? copyStateValue(copyOf, table.codec) : group === undefined ? undefined : this.valueIn(group, namespace);
      v.preserve(table, groupIndex, composite, key, namespace, value);
    }
  }

  /** The current key's key group in `descriptor`'s table; created on demand when `create`. */
  private group(descriptor: StateDescriptor, create: boolean): KeyGroupTable | undefined {
    this.checkOpen();
    if (!this.hasKey) this.noCurrentKey();
    let table = this.lastTable;
    if (table === undefined || table.name !== descriptor.name) {
      table = this.tables.get(descriptor.name);
      if (table === undefined) {
        if (!create) return undefined;
        // A state with a serializer is first written by its own descriptor (a restore holds its entries back until then).
        this.tables.set(descriptor.name, (table = new StateTable(descriptor.name, this.numGroups, stateCodecOf(descriptor))));
      }
      this.lastTable = table;
    }
    const group = table.groups[this.currentGroupIndex];
    if (group !== undefined || !create) return group;
    return (table.groups[this.currentGroupIndex] = new KeyGroupTable());
  }

  private rememberCompositeKey(group: KeyGroupTable, composite: string): void {
    const keys = (group.compositeKeys ??= new Map());
    if (!keys.has(composite)) keys.set(composite, this.currentKey);
  }

  private forgetCompositeKeyIfUnused(group: KeyGroupTable, composite: string): void {
    if (group.plainComposite?.has(composite) || group.namespacedComposite?.has(composite)) return;
    group.compositeKeys?.delete(composite);
  }

  private noCurrentKey(): never {
    assert(false, 'keyed state accessed before setCurrentKey (state is only available in keyed contexts)');
    throw new Error('unreachable');
  }

  private checkOpen(): void {
    // Per state access: the message is built only when the check fails.
    if (this.disposed) assert(false, `keyed state backend of operator ${this.params.operatorId} used after dispose`);
  }
}
