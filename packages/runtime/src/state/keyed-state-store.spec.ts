import {
  AggregatingStateDescriptor,
  KeyedStateUnavailableError,
  ListStateDescriptor,
  MapStateDescriptor,
  NullStateValueError,
  ReducingStateDescriptor,
  StateDescriptorConflictError,
  ValueStateDescriptor,
  type AggregateFunction,
} from '@flott/core';
import { InMemoryKeyedStateBackend } from '../operators/testing/in-memory-keyed-state-backend';
import { TestingRuntimeContext } from '../operators/testing/testing-runtime-context';
import { ManualClock } from '../time/clock';
import { DefaultKeyedStateStore } from './keyed-state-store';

const average: AggregateFunction<number, { sum: number; n: number }, number> = {
  createAccumulator: () => ({ sum: 0, n: 0 }),
  add: (v, acc) => ({ sum: acc.sum + v, n: acc.n + 1 }),
  getResult: (acc) => acc.sum / acc.n,
  merge: (a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
};

describe('keyed state handles', () => {
  let backend: InMemoryKeyedStateBackend;
  let store: DefaultKeyedStateStore;
  beforeEach(() => {
    backend = new InMemoryKeyedStateBackend();
    store = new DefaultKeyedStateStore(backend, new ManualClock(0));
  });

  it('ValueState: value/update/clear per key, default value, update(null) clears', () => {
    const count = store.getState(new ValueStateDescriptor<number>('count'));
    const withDefault = store.getState(new ValueStateDescriptor('d', 7));
    backend.setCurrentKey('a');
    expect(count.value()).toBeUndefined();
    expect(withDefault.value()).toBe(7);
    count.update(1);
    backend.setCurrentKey('b');
    expect(count.value()).toBeUndefined();
    count.update(5);
    backend.setCurrentKey('a');
    expect(count.value()).toBe(1);
    count.update(null);
    expect(count.value()).toBeUndefined();
    expect(backend.numEntries()).toBe(1);
    backend.setCurrentKey('b');
    count.clear();
    expect(count.value()).toBeUndefined();
    expect(backend.numEntries()).toBe(0);
  });

  it('ListState: get/add/addAll/update/clear; get returns a copy', () => {
    const list = store.getListState(new ListStateDescriptor<string>('l'));
    backend.setCurrentKey(1);
    expect(list.get()).toEqual([]);
    list.add('x');
    list.addAll(['y', 'z']);
    const got = list.get();
    got.push('not stored');
    expect(list.get()).toEqual(['x', 'y', 'z']);
    list.update(['q']);
    expect(list.get()).toEqual(['q']);
    list.addAll([]);
    expect(list.get()).toEqual(['q']);
    list.update([]);
    expect(list.get()).toEqual([]);
    expect(backend.numEntries()).toBe(0);
    expect(() => list.add(undefined as unknown as string)).toThrow(NullStateValueError);
    expect(() => list.addAll(['ok', null as unknown as string])).toThrow(NullStateValueError);
    expect(list.get()).toEqual([]);
  });

  it('MapState: put/get/putAll/remove/contains/entries/keys/values/isEmpty/clear, composite keys by value', () => {
    const map = store.getMapState(new MapStateDescriptor<[string, number] | string, number>('m'));
    backend.setCurrentKey('k');
    expect(map.isEmpty()).toBe(true);
    map.put(['a', 1], 10);
    expect(map.get(['a', 1])).toBe(10);
    expect(map.contains(['a', 1])).toBe(true);
    expect(map.contains('["a",1]')).toBe(false);
    map.putAll(new Map<[string, number] | string, number>([['b', 2], ['c', 3]]));
    map.putAll([['d', 4]]);
    expect(map.keys()).toEqual([['a', 1], 'b', 'c', 'd']);
    expect(map.values()).toEqual([10, 2, 3, 4]);
    map.remove('b');
    expect(map.entries()).toEqual([[['a', 1], 10], ['c', 3], ['d', 4]]);
    expect(map.get('b')).toBeUndefined();
    backend.setCurrentKey('other');
    expect(map.isEmpty()).toBe(true);
    backend.setCurrentKey('k');
    map.clear();
    expect(map.isEmpty()).toBe(true);
    map.put('x', 1);
    map.remove('x');
    expect(backend.numEntries()).toBe(0);
  });

  it('ReducingState and AggregatingState: get/add/clear', () => {
    const sum = store.getReducingState(new ReducingStateDescriptor<number>('sum', (a, b) => a + b));
    const avg = store.getAggregatingState(new AggregatingStateDescriptor('avg', average));
    backend.setCurrentKey('a');
    expect(sum.get()).toBeUndefined();
    expect(avg.get()).toBeUndefined();
    for (const v of [1, 2, 6]) {
      sum.add(v);
      avg.add(v);
    }
    expect(sum.get()).toBe(9);
    expect(avg.get()).toBe(3);
    backend.setCurrentKey('b');
    sum.add(100);
    expect(sum.get()).toBe(100);
    backend.setCurrentKey('a');
    sum.clear();
    avg.clear();
    expect(sum.get()).toBeUndefined();
    expect(avg.get()).toBeUndefined();
    const byObject = store.getReducingState(new ReducingStateDescriptor<number>('max', { reduce: (a, b) => Math.max(a, b) }));
    byObject.add(3);
    byObject.add(2);
    expect(byObject.get()).toBe(3);
  });

  it('namespaces isolate, and merging namespaces combines as the descriptor says', () => {
    const list = store.getListState(new ListStateDescriptor<number>('l'));
    const sum = store.getReducingState(new ReducingStateDescriptor<number>('s', (a, b) => a + b));
    const avg = store.getAggregatingState(new AggregatingStateDescriptor('avg', average));
    backend.setCurrentKey('k');
    for (const [ns, values] of [['w1', [1, 2]], ['w2', [3]], ['w3', [10]]] as const) {
      store.setCurrentNamespace(ns);
      for (const v of values) {
        list.add(v);
        sum.add(v);
        avg.add(v);
      }
    }
    store.setCurrentNamespace('w2');
    expect(list.get()).toEqual([3]);
    expect(sum.get()).toBe(3);
    store.setCurrentNamespace(undefined);
    expect(list.get()).toEqual([]);
    list.mergeNamespaces('w1', ['w2', 'w3']);
    sum.mergeNamespaces('w1', ['w2', 'w3']);
    avg.mergeNamespaces('w1', ['w2', 'w3']);
    store.setCurrentNamespace('w1');
    expect(list.get()).toEqual([1, 2, 3, 10]);
    expect(sum.get()).toBe(16);
    expect(avg.get()).toBe(4);
    store.setCurrentNamespace('w3');
    expect(list.get()).toEqual([]);
    expect(sum.get()).toBeUndefined();
    expect(avg.get()).toBeUndefined();
  });

  it('one handle per name; a name reused with another kind fails', () => {
    const a = store.getState(new ValueStateDescriptor<number>('s'));
    expect(store.getState(new ValueStateDescriptor<number>('s'))).toBe(a);
    expect(() => store.getListState(new ListStateDescriptor<number>('s'))).toThrow(StateDescriptorConflictError);
  });

  it('applies a function to the state of every key (forEachKey), restoring the current key', () => {
    const d = new ValueStateDescriptor<number>('v');
    const v = store.getState(d);
    for (const k of ['a', 'b', 'c']) {
      backend.setCurrentKey(k);
      v.update(k.charCodeAt(0));
    }
    backend.setCurrentKey('b');
    const seen: Array<[unknown, number | undefined]> = [];
    store.forEachKey(d, (key) => {
      seen.push([key, v.value()]);
      v.update((v.value() ?? 0) + 1);
    });
    expect(seen.sort()).toEqual([['a', 97], ['b', 98], ['c', 99]]);
    expect(backend.getCurrentKey()).toBe('b');
    expect(v.value()).toBe(99);
  });

  it('a runtime context without keyed state throws Flink\'s keyed-stream error', () => {
    const ctx = new TestingRuntimeContext();
    expect(() => ctx.getState(new ValueStateDescriptor('x'))).toThrow(KeyedStateUnavailableError);
    expect(() => ctx.getMapState(new MapStateDescriptor('x'))).toThrow(
      "Keyed state can only be used on a 'keyed stream', i.e., after a 'keyBy()' operation.",
    );
    const keyed = new TestingRuntimeContext({ keyedStateStore: store });
    backend.setCurrentKey('z');
    keyed.getListState(new ListStateDescriptor<number>('l')).add(1);
    expect(store.getListState(new ListStateDescriptor<number>('l')).get()).toEqual([1]);
  });
});
