import type { KeyedStateSnapshotResources, StateEntry } from '@flott/runtime/spi';

/**
 * One state's values in one key group (see heap-keyed-state-backend.ts): primitive keys index the
 * maps directly, composite keys by their canonical form; namespaced values under key → namespace.
 */
export interface KeyGroupMaps {
  readonly plain: Map<unknown, unknown>;
  plainComposite: Map<string, unknown> | undefined;
  namespaced: Map<unknown, Map<string, unknown>> | undefined;
  namespacedComposite: Map<string, Map<string, unknown>> | undefined;
  /** For composite keys: canonical form → the key as first seen. */
  compositeKeys: Map<string, unknown> | undefined;
}

/** The key groups of one state (by name); index = key group − the range's start. */
export interface StateTableView {
  readonly name: string;
  readonly groups: ReadonlyArray<KeyGroupMaps | undefined>;
}

/**
 * One state's values in one key group (the heap backend's live tables, and a snapshot's preserved
 * values). Values without a namespace sit directly under their key, so a key costs no object of its
 * own (Flink's heap state table, one per state); namespaced values (windows) under key → namespace.
 * Primitive keys index the maps directly (the hot path); composite keys by their canonical form, in
 * maps of their own so a string key never collides with an encoding.
 */
export class KeyGroupTable implements KeyGroupMaps {
  readonly plain = new Map<unknown, unknown>();
  plainComposite: Map<string, unknown> | undefined;
  namespaced: Map<unknown, Map<string, unknown>> | undefined;
  namespacedComposite: Map<string, Map<string, unknown>> | undefined;
  compositeKeys: Map<string, unknown> | undefined;
}

/**
 * The values a snapshot still needs that processing changed after its barrier, in the shape of the
 * live maps; `undefined` means the entry did not exist at the barrier (the backend never stores
 * undefined).
 */
type Preserved = KeyGroupTable;

/**
 * A version of the heap backend's state for one snapshot (Flink's CopyOnWriteStateMap snapshot, by
 * entry instead of by map version): taking it only notes which key groups held entries and which
 * state tables existed; afterwards the backend calls `preserve` before an entry of a key group the
 * snapshot has not read yet changes (put, clear) or is handed to user code that may change it in
 * place (get of an object, which is preserved as a copy). Reading a key group overlays the preserved
 * values on the live maps, then drops them: from then on that group costs the backend nothing. So the
 * synchronous part is O(key groups + states), and the extra memory is the entries touched while the
 * snapshot is written, not the state.
 */
export class HeapSnapshotVersion {
  /** 1 for key groups (index) that held entries at the barrier and have not been read yet. */
  private readonly pending: Uint8Array;
  private readonly tables: readonly StateTableView[];
  private readonly known: ReadonlySet<StateTableView>;
  private readonly preserved = new Map<number, Map<StateTableView, Preserved>>();
  private released = false;

  constructor(
    private readonly startKeyGroup: number,
    groupEntries: Int32Array,
    tables: Iterable<StateTableView>,
    private readonly onRelease: (v: HeapSnapshotVersion) => void,
    private readonly checkOpen: () => void,
  ) {
    this.pending = new Uint8Array(groupEntries.length);
    groupEntries.forEach((n, i) => (this.pending[i] = n > 0 ? 1 : 0));
    this.tables = [...tables];
    this.known = new Set(this.tables);
  }

  /** Whether a change to `table` in key group index `groupIndex` must preserve the entry's value first. */
  needs(table: StateTableView, groupIndex: number): boolean {
    return this.pending[groupIndex] === 1 && this.known.has(table);
  }

  /** Keeps `valueOf()` (undefined: absent) as the entry's value for this snapshot unless one is kept already. */
  preserve(table: StateTableView, groupIndex: number, composite: string | undefined, key: unknown, namespace: string | undefined, valueOf: () => unknown): void {
    let byTable = this.preserved.get(groupIndex);
    if (byTable === undefined) this.preserved.set(groupIndex, (byTable = new Map()));
    let p = byTable.get(table);
    if (p === undefined) byTable.set(table, (p = new KeyGroupTable()));
    const id = composite ?? key;
    let slot: Map<unknown, unknown>;
    if (namespace === undefined) {
      slot = composite === undefined ? p.plain : (p.plainComposite ??= new Map());
    } else {
      const outer = (composite === undefined ? (p.namespaced ??= new Map()) : (p.namespacedComposite ??= new Map())) as Map<unknown, Map<string, unknown>>;
      slot = outer.get(id) ?? outer.set(id, new Map()).get(id)!;
    }
    if (slot.has(namespace ?? id)) return;
    slot.set(namespace ?? id, valueOf());
    if (composite !== undefined) {
      const keys = (p.compositeKeys ??= new Map());
      if (!keys.has(composite)) keys.set(composite, key);
    }
  }

  resources(): KeyedStateSnapshotResources {
    return {
      keyGroups: () => this.keyGroups(),
      entriesOfKeyGroup: (keyGroup) => this.entriesOfKeyGroup(keyGroup),
      release: () => this.release(),
    };
  }

  private *keyGroups(): Generator<number> {
    this.checkReadable();
    // Pending groups only: a group is read once, and `pending` changes as groups are read.
    for (let i = 0; i < this.pending.length; i++) if (this.pending[i] === 1) yield this.startKeyGroup + i;
  }

  private *entriesOfKeyGroup(keyGroup: number): Generator<StateEntry> {
    this.checkReadable();
    const index = keyGroup - this.startKeyGroup;
    if (this.pending[index] !== 1) throw new Error(`Assertion failed: key group ${keyGroup} read twice or was empty at the snapshot`);
    const preserved = this.preserved.get(index);
    for (const table of this.tables) {
      const live = table.groups[index];
      const kept = preserved?.get(table);
      if (live !== undefined) yield* overlaid(table.name, live, kept);
      if (kept !== undefined) yield* removedSince(table.name, live, kept);
    }
    this.pending[index] = 0;
    this.preserved.delete(index);
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.pending.fill(0);
    this.preserved.clear();
    this.onRelease(this);
  }

  private checkReadable(): void {
    if (this.released) throw new Error('Assertion failed: a heap keyed state snapshot read after its release');
    this.checkOpen();
  }
}

/** The live entries of one group with the preserved values in place of changed ones, absent ones left out. */
function* overlaid(stateName: string, live: KeyGroupMaps, kept: Preserved | undefined): Generator<StateEntry> {
  const pick = (slot: Map<unknown, unknown> | undefined, id: unknown, value: unknown): unknown => (slot !== undefined && slot.has(id) ? slot.get(id) : value);
  for (const [key, v] of live.plain) {
    const value = pick(kept?.plain, key, v);
    if (value !== undefined) yield { key, stateName, namespace: undefined, value };
  }
  for (const [c, v] of live.plainComposite ?? []) {
    const value = pick(kept?.plainComposite, c, v);
    if (value !== undefined) yield { key: live.compositeKeys!.get(c), stateName, namespace: undefined, value };
  }
  for (const [key, byNamespace] of live.namespaced ?? []) {
    const slot = kept?.namespaced?.get(key);
    for (const [namespace, v] of byNamespace) {
      const value = pick(slot, namespace, v);
      if (value !== undefined) yield { key, stateName, namespace, value };
    }
  }
  for (const [c, byNamespace] of live.namespacedComposite ?? []) {
    const slot = kept?.namespacedComposite?.get(c);
    const key = live.compositeKeys!.get(c);
    for (const [namespace, v] of byNamespace) {
      const value = pick(slot, namespace, v);
      if (value !== undefined) yield { key, stateName, namespace, value };
    }
  }
}

/** Preserved entries that were removed from the live maps after the barrier. */
function* removedSince(stateName: string, live: KeyGroupMaps | undefined, kept: Preserved): Generator<StateEntry> {
  for (const [key, value] of kept.plain) if (value !== undefined && !live?.plain.has(key)) yield { key, stateName, namespace: undefined, value };
  for (const [c, value] of kept.plainComposite ?? []) {
    if (value !== undefined && !live?.plainComposite?.has(c)) yield { key: kept.compositeKeys!.get(c), stateName, namespace: undefined, value };
  }
  for (const [key, byNamespace] of kept.namespaced ?? []) {
    const liveNs = live?.namespaced?.get(key);
    for (const [namespace, value] of byNamespace) if (value !== undefined && !liveNs?.has(namespace)) yield { key, stateName, namespace, value };
  }
  for (const [c, byNamespace] of kept.namespacedComposite ?? []) {
    const liveNs = live?.namespacedComposite?.get(c);
    for (const [namespace, value] of byNamespace) {
      if (value !== undefined && !liveNs?.has(namespace)) yield { key: kept.compositeKeys!.get(c), stateName, namespace, value };
    }
  }
}
