import {
  Duration,
  InvalidDurationError,
  Time,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
  InvalidStateConfigurationError,
  StateTtlConfig,
  StateVisibility,
  UpdateType,
} from '@flott/core';
import { InMemoryKeyedStateBackend } from '../operators/testing/in-memory-keyed-state-backend';
import { ManualClock } from '../time/clock';
import { DefaultKeyedStateStore } from './keyed-state-store';

function setup(update: UpdateType, visibility: StateVisibility) {
  const clock = new ManualClock(1_000);
  const backend = new InMemoryKeyedStateBackend();
  const store = new DefaultKeyedStateStore(backend, clock);
  const ttl = StateTtlConfig.newBuilder(100).setUpdateType(update).setStateVisibility(visibility).build();
  const withTtl = <D extends { enableTimeToLive(c: StateTtlConfig): void }>(d: D): D => {
    d.enableTimeToLive(ttl);
    return d;
  };
  backend.setCurrentKey('k');
  return { clock, backend, store, withTtl };
}

describe('state TTL (time from the injected clock)', () => {
  it('OnCreateAndWrite + NeverReturnExpired: expires ttl after the last write; reads do not extend it', () => {
    const { clock, backend, store, withTtl } = setup(UpdateType.OnCreateAndWrite, StateVisibility.NeverReturnExpired);
    const v = store.getState(withTtl(new ValueStateDescriptor<string>('v', 'default')));
    v.update('x');
    clock.advance(60);
    expect(v.value()).toBe('x');
    clock.advance(39);
    expect(v.value()).toBe('x');
    clock.advance(1);
    expect(v.value()).toBe('default');
    expect(backend.numEntries()).toBe(0);
    v.update('y');
    clock.advance(99);
    v.update('z');
    clock.advance(99);
    expect(v.value()).toBe('z');
  });

  it('OnReadAndWrite: every read restarts the ttl', () => {
    const { clock, store, withTtl } = setup(UpdateType.OnReadAndWrite, StateVisibility.NeverReturnExpired);
    const v = store.getState(withTtl(new ValueStateDescriptor<number>('v')));
    v.update(1);
    for (let i = 0; i < 5; i++) {
      clock.advance(99);
      expect(v.value()).toBe(1);
    }
    clock.advance(100);
    expect(v.value()).toBeUndefined();
  });

  it('ReturnExpiredIfNotCleanedUp: an expired value is returned once, then it is gone', () => {
    const { clock, backend, store, withTtl } = setup(UpdateType.OnCreateAndWrite, StateVisibility.ReturnExpiredIfNotCleanedUp);
    const v = store.getState(withTtl(new ValueStateDescriptor<number>('v')));
    v.update(5);
    clock.advance(100);
    expect(backend.numEntries()).toBe(1);
    expect(v.value()).toBe(5);
    expect(backend.numEntries()).toBe(0);
    expect(v.value()).toBeUndefined();
  });

  it('list elements expire one by one', () => {
    const { clock, store, withTtl } = setup(UpdateType.OnCreateAndWrite, StateVisibility.NeverReturnExpired);
    const l = store.getListState(withTtl(new ListStateDescriptor<string>('l')));
    l.add('a');
    clock.advance(50);
    l.addAll(['b', 'c']);
    clock.advance(50);
    expect(l.get()).toEqual(['b', 'c']);
    clock.advance(49);
    expect(l.get()).toEqual(['b', 'c']);
    clock.advance(1);
    expect(l.get()).toEqual([]);
  });

  it('list with OnReadAndWrite and ReturnExpiredIfNotCleanedUp', () => {
    const { clock, store, withTtl } = setup(UpdateType.OnReadAndWrite, StateVisibility.ReturnExpiredIfNotCleanedUp);
    const l = store.getListState(withTtl(new ListStateDescriptor<string>('l')));
    l.add('a');
    clock.advance(60);
    l.add('b');
    clock.advance(60);
    // 'a' is expired but not cleaned up yet: returned this once; 'b' is read and so refreshed.
    expect(l.get()).toEqual(['a', 'b']);
    expect(l.get()).toEqual(['b']);
    clock.advance(99);
    expect(l.get()).toEqual(['b']);
  });

  it('map entries expire one by one; an expired entry is invisible to get/contains/keys', () => {
    const { clock, store, withTtl } = setup(UpdateType.OnCreateAndWrite, StateVisibility.NeverReturnExpired);
    const m = store.getMapState(withTtl(new MapStateDescriptor<string, number>('m')));
    m.put('old', 1);
    clock.advance(70);
    m.put('new', 2);
    clock.advance(30);
    expect(m.contains('old')).toBe(false);
    expect(m.get('old')).toBeUndefined();
    expect(m.keys()).toEqual(['new']);
    expect(m.get('new')).toBe(2);
    clock.advance(70);
    expect(m.isEmpty()).toBe(true);
  });

  it('reducing state ignores an expired accumulator when adding', () => {
    const { clock, store, withTtl } = setup(UpdateType.OnCreateAndWrite, StateVisibility.NeverReturnExpired);
    const s = store.getReducingState(withTtl(new ReducingStateDescriptor<number>('s', (a, b) => a + b)));
    s.add(1);
    s.add(2);
    clock.advance(100);
    s.add(10);
    expect(s.get()).toBe(10);
  });

  it('takes its ttl as milliseconds, Duration or Time (newBuilder and setTtl)', () => {
    expect(StateTtlConfig.newBuilder(Duration.ofHours(1)).build().ttlMs).toBe(3_600_000);
    expect(StateTtlConfig.newBuilder(5).setTtl(Time.seconds(2)).build().ttlMs).toBe(2_000);
    expect(() => StateTtlConfig.newBuilder(Duration.ofSeconds(-1))).toThrow(InvalidDurationError);
  });

  it('rejects a non-positive ttl', () => {
    expect(() => StateTtlConfig.newBuilder(0).build()).toThrow(InvalidStateConfigurationError);
    const cfg = StateTtlConfig.newBuilder(5).build();
    expect([cfg.updateType, cfg.stateVisibility, cfg.isEnabled()]).toEqual([UpdateType.OnCreateAndWrite, StateVisibility.NeverReturnExpired, true]);
  });
});
