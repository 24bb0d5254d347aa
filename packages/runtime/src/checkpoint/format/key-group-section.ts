import { Unpackr } from 'msgpackr';
import type { KeyGroupVisitor } from '../../spi/state-backend';
import { STATE_VALUE_OPTIONS } from '../../snapshot/state-copy';
import { packFlatKeyGroup, PAIRS, SERIALIZED, type FlatState } from './keyed-state-file';
import { PrimitiveMsgpackWriter } from '../../snapshot/primitive-pack';
import type { KeyedStateSerializers } from '../../state/state-serializers';
import type { StateValueCodec } from '../../serialization/state-codec';

/** One state's entries in the group being built: a range of `entries` bytes, or values (the msgpackr path). */
interface StateEntries {
  readonly name: string;
  readonly start: number;
  end: number;
  /** Elements written: 2 per entry as pairs, 3 as triples. */
  count: number;
  /** (key, value) pairs while no entry of the state has had a namespace; triples from the first that has. */
  pairs: boolean;
  /** Set once an entry was not for the fast path: every entry of the state as values (pairs or triples as `pairs` says). */
  values?: unknown[];
  /** The values are the serialized forms of the state's custom serializers (serialization/state-codec.ts). */
  readonly serialized: boolean;
  /** Turns each value into its serialized form (a state with a serializer, read from the backend as values). */
  readonly codec: StateValueCodec | undefined;
  /** Entries may take the counters' path: pairs, written as bytes, no serializer. */
  fast: boolean;
}

const byName = (a: { readonly name: string }, b: { readonly name: string }): number => (a.name < b.name ? -1 : 1);

/** A state's layout flags in the file (keyed-state-file.ts): PAIRS, SERIALIZED, both or none. */
const layoutOf = (s: StateEntries): number => (s.pairs ? PAIRS : 0) | (s.serialized ? SERIALIZED : 0);

/**
 * Builds one key group's section of a keyed state file (keyed-state-file.ts) from a backend's visit
 * (KeyedStateSnapshotResources.visitKeyGroup): each entry's key, namespace and value are written to
 * msgpack the moment the backend hands them over, so a snapshot of a million counters allocates
 * nothing per entry. The section's bytes are those msgpackr would write for the same group. When
 * an entry holds something only msgpackr packs (an object, a Map, a BigInt), the state's entries so
 * far are decoded back, the rest collected as values, and the group is packed by msgpackr instead.
 * A state whose descriptor has a custom serializer (`serializers`) is written in its serialized form.
 * One builder per snapshot, one group at a time: `begin`, the visit, `finish`.
 */
export class KeyGroupSectionBuilder implements KeyGroupVisitor {
  private readonly entries = new PrimitiveMsgpackWriter();
  private readonly section = new PrimitiveMsgpackWriter();
  private states: StateEntries[] = [];
  private current: StateEntries | undefined;
  /** Removed entries (incremental snapshots) by state: [key, namespace, ...]. */
  private readonly removed = new Map<string, unknown[]>();
  private msgpackr = false;

  constructor(private readonly serializers?: KeyedStateSerializers) {}

  begin(): void {
    this.entries.pos = 0;
    this.states = [];
    this.current = undefined;
    this.removed.clear();
    this.msgpackr = false;
  }

  state(stateName: string): void {
    const codec = this.serializers?.codecOf(stateName);
    this.open(stateName, codec !== undefined, codec);
  }

  /** The entries that follow are of `stateName`, already in their serialized form (a restore's, waiting for the state's descriptor). */
  serializedState(stateName: string): void {
    this.open(stateName, true, undefined);
  }

  private open(name: string, serialized: boolean, codec: StateValueCodec | undefined): void {
    this.closeState();
    this.current = { name, start: this.entries.pos, end: this.entries.pos, count: 0, pairs: true, serialized, codec, fast: !serialized };
    this.states.push(this.current);
  }

  entry(key: unknown, namespace: string | undefined, value: unknown): void {
    const s = this.current!;
    // Counters under number keys without a namespace, the bulk of a large snapshot: no dispatch on
    // the types, and a body small enough to inline into the backend's loop (the rest is another call).
    if (namespace === undefined && typeof value === 'number' && typeof key === 'number' && s.fast) {
      this.entries.writeNumberPair(key, value);
      s.count += 2;
      return;
    }
    this.otherEntry(s, key, namespace, value);
  }

  private otherEntry(s: StateEntries, key: unknown, namespace: string | undefined, value: unknown): void {
    if (value === undefined) {
      let pairs = this.removed.get(s.name);
      if (pairs === undefined) this.removed.set(s.name, (pairs = []));
      pairs.push(key, namespace);
      return;
    }
    if (s.codec !== undefined) value = s.codec.toSerialized(value);
    if (namespace !== undefined && s.pairs) {
      if (s.count > 0 || s.values !== undefined) {
        // A namespaced entry after entries without: the state's entries so far become triples, by msgpackr.
        const pairs = s.values ?? this.decode(s.start, this.entries.pos);
        s.values = [];
        for (let i = 0; i < pairs.length; i += 2) s.values.push(pairs[i], undefined, pairs[i + 1]);
        this.msgpackr = true;
      }
      s.pairs = false;
      s.fast = false;
    }
    if (s.values !== undefined) {
      if (s.pairs) s.values.push(key, value);
      else s.values.push(key, namespace, value);
      return;
    }
    const w = this.entries;
    const at = w.pos;
    if (s.pairs) {
      if (w.write(key) && w.write(value)) {
        s.count += 2;
        return;
      }
    } else if (w.write(key) && (namespace === undefined ? (w.writeUndefined(), true) : w.write(namespace)) && w.write(value)) {
      s.count += 3;
      return;
    }
    w.pos = at;
    s.values = this.decode(s.start, at);
    s.fast = false;
    if (s.pairs) s.values.push(key, value);
    else s.values.push(key, namespace, value);
    this.msgpackr = true;
  }

  /**
   * The section of `keyGroup` with its `timers` ([service, event-time triples, processing-time
   * triples], sorted by service); `incremental`: a change file's, with the removed entries. Undefined
   * when the group holds nothing to write. With `view`, the bytes may be a view of the builder's
   * buffer, valid until the next `begin` (a caller that copies them at once saves a copy).
   */
  finish(keyGroup: number, timers: Array<[string, unknown[], unknown[]]>, incremental: boolean, view = false): Uint8Array | undefined {
    this.closeState();
    const states = this.states.filter((s) => (s.values?.length ?? s.count) > 0).sort(byName);
    const removed = incremental ? [...this.removed].map(([name, pairs]) => ({ name, pairs })).sort(byName) : undefined;
    if (states.length === 0 && !removed?.length && timers.length === 0) return undefined;
    if (!this.msgpackr) {
      const out = this.section;
      out.pos = 0;
      out.writeArrayHeader(removed === undefined ? 2 : 3);
      out.writeArrayHeader(states.length);
      let fast = true;
      for (const s of states) {
        const flags = layoutOf(s);
        out.writeArrayHeader(flags === 0 ? 2 : 3);
        fast = out.writeString(s.name);
        if (!fast) break;
        out.writeArrayHeader(s.count);
        out.append(this.entries.bytesView(s.start, s.end));
        if (flags !== 0) out.writeNumber(flags);
      }
      if (fast && out.write(timers) && (removed === undefined || out.write(removed.map(({ name, pairs }) => [name, pairs])))) {
        return view ? out.bytesView(0, out.pos) : out.copy();
      }
    }
    return packFlatKeyGroup({
      keyGroup,
      states: states.map((s): FlatState => {
        const flags = layoutOf(s);
        const flat = s.values ?? this.decode(s.start, s.end);
        return flags === 0 ? [s.name, flat] : [s.name, flat, flags];
      }),
      timers,
      ...(removed !== undefined && { removed: removed.map(({ name, pairs }): [string, unknown[]] => [name, pairs]) }),
    });
  }

  private closeState(): void {
    if (this.current !== undefined && this.current.values === undefined) this.current.end = this.entries.pos;
  }

  /** The values written from `start` to `end` (primitives and Buffers only: they decode exactly, a bin read from a Buffer as a Buffer). */
  private decode(start: number, end: number): unknown[] {
    if (start === end) return [];
    const bytes = this.entries.copy(start, end);
    return new Unpackr({ ...STATE_VALUE_OPTIONS }).unpackMultiple(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
}
