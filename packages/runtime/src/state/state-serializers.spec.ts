import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  StateSerializerMismatchError,
  StateTtlConfig,
  ValueStateDescriptor,
  type AggregateFunction,
  type BroadcastState,
  type KeyedStateStore,
  type ListState,
  type TypeSerializer,
} from '@flott/core';
import { decodeKeyedStateFile, decodeOperatorStateFile } from '../checkpoint/format';
import { StateDeserializationError, StateSerializationError } from '../errors';
import type { StreamStateHandle } from '../snapshot/snapshot-data';
import { AbstractStreamOperator } from '../operators/abstract-stream-operator';
import type { OneInputStreamOperator, StateInitializationContext } from '../operators/stream-operator';
import type { OperatorSnapshot } from '../operators/testing/operator-snapshot';
import { OneInputOperatorTestHarness } from '../operators/testing/operator-test-harness';
import { stateCodecOf } from '../serialization/state-codec';
import { KeyedStateSerializers } from './state-serializers';

/** A class msgpack would turn into a plain object: only a serializer brings back its prototype. */
class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  plus(o: Point): Point {
    return new Point(this.x + o.x, this.y + o.y);
  }
}

/** "x,y" in UTF-8 (a plain Uint8Array, not a Buffer); counts its calls. */
class PointSerializer implements TypeSerializer<Point> {
  serialized = 0;
  deserialized = 0;
  serialize(p: Point): Uint8Array {
    this.serialized++;
    return new Uint8Array(new TextEncoder().encode(`${p.x},${p.y}`));
  }
  deserialize(bytes: Uint8Array): Point {
    this.deserialized++;
    const [x, y] = new TextDecoder().decode(bytes).split(',').map(Number);
    return new Point(x, y);
  }
}

const text = (b: unknown): string => new TextDecoder().decode(b as Uint8Array);

const bytes = (h: StreamStateHandle | undefined): Uint8Array => {
  if (h?.kind !== 'inline') throw new Error('expected an inline handle');
  return h.data;
};

/**
 * Keeps per key the sum of its points (ValueState with the serializer given, or none) and emits
 * `key=x,y`; asks for its state in initializeState unless `lazy` (then at its first record).
 */
class PointSums extends AbstractStreamOperator<string> implements OneInputStreamOperator<[string, number], string> {
  private store!: KeyedStateStore;
  constructor(
    private readonly descriptor: () => ValueStateDescriptor<Point>,
    private readonly lazy = false,
  ) {
    super();
  }
  initializeState(context: StateInitializationContext): void {
    this.store = context.keyedStateStore!;
    if (!this.lazy) this.store.getState(this.descriptor());
  }
  processElement([key, x]: [string, number]): void {
    const state = this.store.getState(this.descriptor());
    const before = state.value() ?? new Point(0, 0);
    if (!(before instanceof Point)) throw new Error(`the point of ${key} lost its class`);
    const sum = before.plus(new Point(x, 1));
    state.update(sum);
    this.output.collect(`${key}=${sum.x},${sum.y}`, 0);
  }
  processWatermark(): void {}
}

const KEYS = Array.from({ length: 12 }, (_, i) => `k${i}`);

function harness(descriptor: () => ValueStateDescriptor<Point>, options: { lazy?: boolean; subtaskIndex?: number; parallelism?: number } = {}) {
  const { lazy, subtaskIndex = 0, parallelism = 1 } = options;
  return new OneInputOperatorTestHarness<[string, number], string>(new PointSums(descriptor, lazy), {
    keySelector: ([k]: [string, number]) => k,
    subtaskIndex,
    parallelism,
  });
}

/** A run over KEYS (each key twice) and its snapshot. */
async function pointSnapshot(serializer: TypeSerializer<Point> | undefined): Promise<OperatorSnapshot> {
  const h = harness(() => new ValueStateDescriptor<Point>('points', serializer));
  await h.open();
  for (const k of [...KEYS, ...KEYS]) h.processElement([k, Number(k.slice(1))]);
  return h.snapshot(3);
}

/** Each key's next output after a restore from `from`: its sum so far plus one point. */
async function resumed(from: OperatorSnapshot, serializer: TypeSerializer<Point> | undefined, options: { lazy?: boolean; subtaskIndex?: number; parallelism?: number } = {}) {
  const h = harness(() => new ValueStateDescriptor<Point>('points', serializer), options);
  await h.initializeState({ from });
  await h.open();
  return h;
}

describe('custom serializers on keyed state descriptors', () => {
  it('write the state in the serializer\'s bytes, flagged in the file, and a restore reads them back into class instances', async () => {
    const serializer = new PointSerializer();
    const snapshot = await pointSnapshot(serializer);
    const file = decodeKeyedStateFile(bytes(snapshot.state.keyed?.handle), 'snapshot');
    const states = file.groups.flatMap((g) => g.states);
    expect(states.every((s) => s.name === 'points' && s.serialized === true)).toBe(true);
    const written = states.flatMap((s) => s.entries.map((e) => [e.key, text(e.value)])).sort();
    expect(written).toEqual(KEYS.map((k) => [k, `${2 * Number(k.slice(1))},2`]).sort());

    const reader = new PointSerializer();
    const h = await resumed(snapshot, reader);
    expect(reader.deserialized).toBe(KEYS.length);
    for (const k of KEYS) h.processElement([k, 1]);
    expect(h.output.values()).toEqual(KEYS.map((k) => `${k}=${2 * Number(k.slice(1)) + 1},3`));
  });

  it('restore at another parallelism: each subtask reads its key groups', async () => {
    const snapshot = await pointSnapshot(new PointSerializer());
    const outputs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const h = harness(() => new ValueStateDescriptor<Point>('points', new PointSerializer()), { subtaskIndex: i, parallelism: 3 });
      await h.initializeState({ from: snapshot });
      await h.open();
      for (const k of KEYS) {
        try {
          h.processElement([k, 1]);
        } catch {
          // another subtask's key
        }
      }
      outputs.push(...h.output.values());
    }
    expect(outputs.sort()).toEqual(KEYS.map((k) => `${k}=${2 * Number(k.slice(1)) + 1},3`).sort());
  });

  it('keep restored entries in their bytes until the state is asked for, and snapshot them so meanwhile', async () => {
    const first = await pointSnapshot(new PointSerializer());
    // The operator asks for its state only at its first record: the snapshot before that has the entries waiting.
    const reader = new PointSerializer();
    const waiting = await resumed(first, reader, { lazy: true });
    expect(reader.deserialized).toBe(0);
    const second = waiting.snapshot(4);
    const entries = (s: OperatorSnapshot) =>
      decodeKeyedStateFile(bytes(s.state.keyed?.handle), 's').groups.flatMap((g) => g.states.flatMap((st) => st.entries.map((e) => [st.serialized, e.key, text(e.value)]))).sort();
    expect(entries(second)).toEqual(entries(first));
    // Byte for byte: the waiting entries are written as they came (bins stay bins).
    expect(Buffer.from(bytes(second.state.keyed?.handle)).equals(Buffer.from(bytes(first.state.keyed?.handle)))).toBe(true);
    const h = await resumed(second, new PointSerializer());
    h.processElement(['k5', 1]);
    expect(h.output.values()).toEqual(['k5=11,3']);
    // Once asked for, the state is in the backend and nothing waits.
    waiting.processElement(['k5', 1]);
    expect(KeyedStateSerializers.peek(waiting.keyedStateBackend!)?.pendingNow().size).toBe(0);
    expect(entries(waiting.snapshot(5)).filter(([, k]) => k === 'k5')).toEqual([[true, 'k5', '11,3']]);
  });

  it('fail the restore with a clear error when the descriptor and the snapshot disagree on having a serializer', async () => {
    const withSerializer = await pointSnapshot(new PointSerializer());
    await expect(resumed(withSerializer, undefined)).rejects.toThrow(StateSerializerMismatchError);
    await expect(resumed(withSerializer, undefined)).rejects.toThrow(
      "Cannot restore state 'points': the snapshot holds it written by a custom serializer, and its descriptor has none: give the descriptor the serializer that wrote it");
    const plain = await pointSnapshot(undefined);
    await expect(resumed(plain, new PointSerializer())).rejects.toThrow(/Cannot restore state 'points': the snapshot holds it without a custom serializer \(msgpack\), and its descriptor now has one/);
  });

  it('name the state when its serializer fails or returns something other than bytes', async () => {
    const failing: TypeSerializer<Point> = { serialize: () => { throw new Error('no room'); }, deserialize: () => new Point(0, 0) };
    await expect(pointSnapshot(failing)).rejects.toThrow(StateSerializationError);
    await expect(pointSnapshot(failing)).rejects.toThrow("Cannot write the value of state 'points' into a checkpoint: its serializer failed: no room");
    const wrong = { serialize: () => 'x,y', deserialize: () => new Point(0, 0) } as unknown as TypeSerializer<Point>;
    await expect(pointSnapshot(wrong)).rejects.toThrow("its serializer returned string, not a Uint8Array");
    const snapshot = await pointSnapshot(new PointSerializer());
    const unreadable: TypeSerializer<Point> = { serialize: (p) => new PointSerializer().serialize(p), deserialize: () => { throw new Error('bad bytes'); } };
    const error = await resumed(snapshot, unreadable).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateDeserializationError);
    expect((error as Error).message).toBe("Cannot read the value of state 'points' from a checkpoint: its serializer failed: bad bytes");
  });
});

describe('the serialized form of each kind of state (stateCodecOf)', () => {
  const points = new PointSerializer();
  const roundTrip = (d: Parameters<typeof stateCodecOf>[0], stored: unknown) => {
    const codec = stateCodecOf(d)!;
    const form = codec.toSerialized(stored);
    return { form, back: codec.fromSerialized(form) };
  };

  it('is msgpack (no codec) for descriptors without serializers', () => {
    expect(stateCodecOf(new ValueStateDescriptor('v'))).toBeUndefined();
    expect(stateCodecOf(new MapStateDescriptor('m'))).toBeUndefined();
    expect(stateCodecOf({ name: 'restored', kind: 'value' })).toBeUndefined();
  });

  it('value, reducing and aggregating state: the bytes as a Buffer (msgpack bin); with TTL [bytes, time]', () => {
    const { form, back } = roundTrip(new ValueStateDescriptor('v', points), new Point(1, 2));
    expect(Buffer.isBuffer(form)).toBe(true);
    expect(text(form)).toBe('1,2');
    expect(back).toEqual(new Point(1, 2));
    expect(back).toBeInstanceOf(Point);
    const ttl = new ReducingStateDescriptor<Point>('r', (a, b) => a.plus(b), points);
    ttl.enableTimeToLive(StateTtlConfig.newBuilder(1000).build());
    const timed = roundTrip(ttl, { v: new Point(3, 4), t: 77 });
    expect((timed.form as unknown[]).map((x, i) => (i === 0 ? text(x) : x))).toEqual(['3,4', 77]);
    expect(timed.back).toEqual({ v: new Point(3, 4), t: 77 });
    const sum: AggregateFunction<number, Point, number> = { createAccumulator: () => new Point(0, 0), add: (v, a) => a.plus(new Point(v, 1)), getResult: (a) => a.x, merge: (a, b) => a.plus(b) };
    expect(roundTrip(new AggregatingStateDescriptor('a', sum, points), new Point(5, 6)).back).toBeInstanceOf(Point);
  });

  it('list state: each element; with TTL each [bytes, time]', () => {
    const { form, back } = roundTrip(new ListStateDescriptor('l', points), [new Point(1, 1), new Point(2, 2)]);
    expect((form as unknown[]).map(text)).toEqual(['1,1', '2,2']);
    expect(back).toEqual([new Point(1, 1), new Point(2, 2)]);
    const ttl = new ListStateDescriptor('l', points);
    ttl.enableTimeToLive(StateTtlConfig.newBuilder(1000).build());
    expect(roundTrip(ttl, [{ v: new Point(1, 1), t: 5 }]).back).toEqual([{ v: new Point(1, 1), t: 5 }]);
  });

  it('map state: (key, value, time) triples, each side through its serializer when it has one', () => {
    const table = new Map([['a', { key: 'a', value: new Point(1, 2), t: 0 }]]);
    const valuesOnly = roundTrip(new MapStateDescriptor<string, Point>('m', undefined, points), table);
    expect((valuesOnly.form as unknown[]).map((x) => (Buffer.isBuffer(x) ? text(x) : x))).toEqual(['a', '1,2', 0]);
    expect(valuesOnly.back).toEqual(table);
    const byPoint = new Map([['\u0000{"x":1,"y":1}', { key: new Point(1, 1), value: 'one', t: 9 }]]);
    const keys = roundTrip(new MapStateDescriptor<Point, string>('m', points), byPoint);
    expect(keys.back).toEqual(byPoint);
    expect([...(keys.back as Map<unknown, { key: unknown }>).values()][0].key).toBeInstanceOf(Point);
  });

  it('rejects a descriptor serializer without serialize and deserialize, naming the state', () => {
    expect(() => new ListStateDescriptor('l', {} as TypeSerializer<number>)).toThrow("The element serializer of state 'l' must have serialize(value) and deserialize(bytes) functions");
    // ValueStateDescriptor's second argument is its (deprecated) default value unless it is a serializer.
    expect(new ValueStateDescriptor('v', { x: 1 }).defaultValue).toEqual({ x: 1 });
    expect(new ValueStateDescriptor('v', points, new Point(0, 0)).getSerializer()).toBe(points);
  });
});

/** Operator list, union and broadcast state with serializers. */
class PointKeeper extends AbstractStreamOperator<string> implements OneInputStreamOperator<Point, string> {
  list!: ListState<Point>;
  union!: ListState<Point>;
  broadcast!: BroadcastState<Point, Point>;
  constructor(private readonly serializer: TypeSerializer<Point> | undefined) {
    super();
  }
  initializeState(context: StateInitializationContext): void {
    const store = context.operatorStateStore;
    this.list = store.getListState(new ListStateDescriptor<Point>('list', this.serializer));
    this.union = store.getUnionListState(new ListStateDescriptor<Point>('union', this.serializer));
    this.broadcast = store.getBroadcastState(new MapStateDescriptor<Point, Point>('broadcast', this.serializer, this.serializer));
  }
  processElement(p: Point): void {
    this.list.add(p);
    this.union.add(p);
    this.broadcast.put(p, p.plus(p));
  }
  processWatermark(): void {}
}

describe('custom serializers on operator state descriptors', () => {
  const keeper = (serializer: TypeSerializer<Point> | undefined, subtaskIndex = 0, parallelism = 1) =>
    new OneInputOperatorTestHarness<Point, string>(new PointKeeper(serializer), { subtaskIndex, parallelism });

  it('write list, union and broadcast state in the serializer\'s bytes and restore class instances, at another parallelism too', async () => {
    const h = keeper(new PointSerializer());
    await h.open();
    h.processElement(new Point(1, 1));
    h.processElement(new Point(2, 2));
    const snapshot = h.snapshot(1);
    const file = decodeOperatorStateFile(bytes(snapshot.state.operator), 'op');
    expect(file.states.map((s) => [s.name, s.serialized])).toEqual([['list', true], ['union', true], ['broadcast', true]]);
    expect(file.states[0].values.map(text)).toEqual(['1,1', '2,2']);
    expect(file.states[2].values.map((kv) => (kv as unknown[]).map(text))).toEqual([['1,1', '2,2'], ['2,2', '4,4']]);

    const restored = [];
    for (let i = 0; i < 2; i++) {
      const r = keeper(new PointSerializer(), i, 2);
      await r.initializeState({ from: snapshot });
      restored.push(r.operator as PointKeeper);
    }
    expect(restored.map((k) => k.list.get())).toEqual([[new Point(1, 1)], [new Point(2, 2)]]);
    expect(restored[1].list.get()[0]).toBeInstanceOf(Point);
    expect(restored.map((k) => k.union.get())).toEqual([[new Point(1, 1), new Point(2, 2)], [new Point(1, 1), new Point(2, 2)]]);
    expect(restored[0].broadcast.get(new Point(2, 2))).toEqual(new Point(4, 4));
    expect(restored[0].broadcast.keys()[0]).toBeInstanceOf(Point);
  });

  it('fail a restore of serialized operator state into a descriptor without a serializer', async () => {
    const h = keeper(new PointSerializer());
    await h.open();
    h.processElement(new Point(1, 1));
    const r = keeper(undefined);
    await expect(r.initializeState({ from: h.snapshot(1) })).rejects.toThrow(StateSerializerMismatchError);
  });

  it('read operator state written without a serializer into a descriptor with one (values are kept as they are)', async () => {
    const h = keeper(undefined);
    await h.open();
    h.processElement(new Point(1, 1));
    const r = keeper(new PointSerializer());
    await r.initializeState({ from: h.snapshot(1) });
    expect((r.operator as PointKeeper).list.get()).toEqual([{ x: 1, y: 1 }]);
    // The next snapshot writes it with the serializer.
    expect(decodeOperatorStateFile(bytes(r.snapshot(2).state.operator), 'op').states[0]).toMatchObject({ name: 'list', serialized: true });
  });
});
