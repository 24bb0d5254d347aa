import type { KeyedStateSnapshotResources, KeyGroupVisitor, StateEntry } from '@flott/runtime/spi';

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
 * live maps; ABSENT means the entry did not exist at the barrier (so one map lookup tells a kept
 * value, a kept absence and nothing kept apart).
 */
type Preserved = KeyGroupTable;
const ABSENT: unique symbol = Symbol('absent at the snapshot');

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
  /** By key group index: the values kept per table (an array: this is on the path of every change while the snapshot is written). */
  private readonly preserved: Array<Map<StateTableView, Preserved> | undefined>;
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
    this.preserved = new Array<Map<StateTableView, Preserved> | undefined>(groupEntries.length);
  }

  /** Whether a change to `table` in key group index `groupIndex` must preserve the entry's value first. */
  needs(table: StateTableView, groupIndex: number): boolean {
    return this.pending[groupIndex] === 1 && this.known.has(table);
  }

  /** Whether the entry's value is kept already (then a later change need not compute it again). */
  keeps(table: StateTableView, groupIndex: number, composite: string | undefined, key: unknown, namespace: string | undefined): boolean {
    const slot = this.slotOf(table, groupIndex, composite, key, namespace, false);
    return slot !== undefined && slot.has(namespace ?? composite ?? key);
  }

  /** Keeps `value` (undefined: absent) as the entry's value for this snapshot unless one is kept already. */
  preserve(table: StateTableView, groupIndex: number, composite: string | undefined, key: unknown, namespace: string | undefined, value: unknown): void {
    const slot = this.slotOf(table, groupIndex, composite, key, namespace, true)!;
    const id = namespace ?? composite ?? key;
    if (slot.has(id)) return;
    slot.set(id, value === undefined ? ABSENT : value);
    if (composite !== undefined) {
      const keys = (this.preserved[groupIndex]!.get(table)!.compositeKeys ??= new Map());
      if (!keys.has(composite)) keys.set(composite, key);
    }
  }

  /** The map that keeps the entry's value (by namespace, or by key without one); created when `create`. */
  private slotOf(table: StateTableView, groupIndex: number, composite: string | undefined, key: unknown, namespace: string | undefined, create: boolean): Map<unknown, unknown> | undefined {
    let byTable = this.preserved[groupIndex];
    if (byTable === undefined) {
      if (!create) return undefined;
      this.preserved[groupIndex] = byTable = new Map();
    }
    let p = byTable.get(table);
    if (p === undefined) {
      if (!create) return undefined;
      byTable.set(table, (p = new KeyGroupTable()));
    }
    if (namespace === undefined) return composite === undefined ? p.plain : create ? (p.plainComposite ??= new Map()) : p.plainComposite;
    const outer = (composite === undefined ? (create ? (p.namespaced ??= new Map()) : p.namespaced) : create ? (p.namespacedComposite ??= new Map()) : p.namespacedComposite) as
      Map<unknown, Map<string, unknown>> | undefined;
    const id = composite ?? key;
    let inner = outer?.get(id);
    if (inner === undefined && create) outer!.set(id, (inner = new Map()));
    return inner as Map<unknown, unknown> | undefined;
  }

  resources(): KeyedStateSnapshotResources {
    return {
      keyGroups: () => this.keyGroups(),
      entriesOfKeyGroup: (keyGroup) => this.entriesOfKeyGroup(keyGroup),
      visitKeyGroup: (keyGroup, visitor) => this.visitKeyGroup(keyGroup, visitor),
      release: () => this.release(),
    };
  }

  private *keyGroups(): Generator<number> {
    this.checkReadable();
    // Pending groups only: a group is read once, and `pending` changes as groups are read.
    for (let i = 0; i < this.pending.length; i++) if (this.pending[i] === 1) yield this.startKeyGroup + i;
  }

  private *entriesOfKeyGroup(keyGroup: number): Generator<StateEntry> {
    const entries: StateEntry[] = [];
    let stateName = '';
    this.visitKeyGroup(keyGroup, {
      state: (name) => (stateName = name),
      entry: (key, namespace, value) => entries.push({ key, stateName, namespace, value }),
    });
    yield* entries;
  }

  private visitKeyGroup(keyGroup: number, visitor: KeyGroupVisitor): void {
    this.checkReadable();
    const index = keyGroup - this.startKeyGroup;
    if (this.pending[index] !== 1) throw new Error(`Assertion failed: key group ${keyGroup} read twice or was empty at the snapshot`);
    const preserved = this.preserved[index];
    for (const table of this.tables) {
      const live = table.groups[index];
      const kept = preserved?.get(table);
      if (live === undefined && kept === undefined) continue;
      visitor.state(table.name);
      if (live !== undefined) overlaid(visitor, live, kept);
      if (kept !== undefined) removedSince(visitor, live, kept);
    }
    this.pending[index] = 0;
    this.preserved[index] = undefined;
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.pending.fill(0);
    this.preserved.fill(undefined);
    this.onRelease(this);
  }

  private checkReadable(): void {
    if (this.released) throw new Error('Assertion failed: a heap keyed state snapshot read after its release');
    this.checkOpen();
  }
}

/**
 * Hands the live entries of one group to `visit`, with the preserved values in place of changed ones
 * and absent ones left out.
 */
function overlaid(visit: KeyGroupVisitor, live: KeyGroupMaps, kept: Preserved | undefined): void {
  const pick = (slot: Map<unknown, unknown> | undefined, id: unknown, value: unknown): unknown => {
    const k = slot === undefined || slot.size === 0 ? undefined : slot.get(id);
    return k === undefined ? value : k === ABSENT ? undefined : k;
  };
  // The hot loop of a large state's snapshot, with no lookup per entry: the few preserved values are
  // put in place in the live map for the loop and the live ones put back after it (this runs in one
  // turn, and puts them back however the loop ends).
  const keptPlain = kept?.plain;
  const swapped = keptPlain === undefined || keptPlain.size === 0 ? undefined : swapIn(live.plain, keptPlain);
  try {
    live.plain.forEach((value, key) => visit.entry(key, undefined, value));
  } finally {
    if (swapped !== undefined) for (let i = 0; i < swapped.length; i += 2) live.plain.set(swapped[i], swapped[i + 1]);
  }
  live.plainComposite?.forEach((v, c) => {
    const value = pick(kept?.plainComposite, c, v);
    if (value !== undefined) visit.entry(live.compositeKeys!.get(c), undefined, value);
  });
  live.namespaced?.forEach((byNamespace, key) => {
    const slot = kept?.namespaced?.get(key);
    byNamespace.forEach((v, namespace) => {
      const value = pick(slot, namespace, v);
      if (value !== undefined) visit.entry(key, namespace, value);
    });
  });
  live.namespacedComposite?.forEach((byNamespace, c) => {
    const slot = kept?.namespacedComposite?.get(c);
    const key = live.compositeKeys!.get(c);
    byNamespace.forEach((v, namespace) => {
      const value = pick(slot, namespace, v);
      if (value !== undefined) visit.entry(key, namespace, value);
    });
  });
}

/**
 * Puts the preserved values of `kept` in place of the live ones in `live` (an entry absent at the
 * snapshot is taken out); returns the live [key, value, ...] pairs to put back. Entries removed since
 * the snapshot stay out (removedSince hands them over).
 */
function swapIn(live: Map<unknown, unknown>, kept: Map<unknown, unknown>): unknown[] {
  const swapped: unknown[] = [];
  kept.forEach((value, key) => {
    const now = live.get(key);
    if (now === undefined) return;
    swapped.push(key, now);
    if (value === ABSENT) live.delete(key);
    else live.set(key, value);
  });
  return swapped;
}

/** Hands the preserved entries that were removed from the live maps after the barrier to `visit`. */
function removedSince(visit: KeyGroupVisitor, live: KeyGroupMaps | undefined, kept: Preserved): void {
  kept.plain.forEach((value, key) => {
    if (value !== ABSENT && !live?.plain.has(key)) visit.entry(key, undefined, value);
  });
  kept.plainComposite?.forEach((value, c) => {
    if (value !== ABSENT && !live?.plainComposite?.has(c)) visit.entry(kept.compositeKeys!.get(c), undefined, value);
  });
  kept.namespaced?.forEach((byNamespace, key) => {
    const liveNs = live?.namespaced?.get(key);
    byNamespace.forEach((value, namespace) => {
      if (value !== ABSENT && !liveNs?.has(namespace)) visit.entry(key, namespace, value);
    });
  });
  kept.namespacedComposite?.forEach((byNamespace, c) => {
    const liveNs = live?.namespacedComposite?.get(c);
    byNamespace.forEach((value, namespace) => {
      if (value !== ABSENT && !liveNs?.has(namespace)) visit.entry(kept.compositeKeys!.get(c), namespace, value);
    });
  });
}
