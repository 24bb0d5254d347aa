import { ListStateDescriptor, MapStateDescriptor, type BroadcastState, type ListState } from '@flott/core';
import { decodeKeyedStateFile, decodeOperatorStateFile } from '../../checkpoint/format';
import { KeyGroupOutOfRangeError } from '../../errors';
import { assignKeyToParallelOperator, computeKeyGroupRangeForOperatorIndex } from '../../network/key-groups';
import type { StreamStateHandle } from '../../snapshot/snapshot-data';
import { AbstractStreamOperator } from '../abstract-stream-operator';
import type { OneInputStreamOperator, StateInitializationContext, StateSnapshotContext } from '../stream-operator';
import type { InternalTimerService } from '../timers/timer-service';
import type { OperatorSnapshot } from './operator-snapshot';
import { OneInputOperatorTestHarness } from './operator-test-harness';

const COUNT = { name: 'count', kind: 'value' as const };

/** Counts records per key (keyed state) and sets an event-time timer at 10 × the record; emits `key=count` and `timer key@t`. */
class KeyedCounter extends AbstractStreamOperator<string> implements OneInputStreamOperator<string, string> {
  private timers!: InternalTimerService<null>;
  restoredFrom: number | undefined;
  readonly snapshots: StateSnapshotContext[] = [];

  initializeState(context: StateInitializationContext): void {
    this.restoredFrom = context.restoredCheckpointId;
  }
  override open(): void {
    this.timers = this.env.timeServiceManager!.getInternalTimerService<null>('counter', {
      onEventTime: (t) => this.output.collect(`timer ${String(t.key)}@${t.timestamp}`, t.timestamp),
      onProcessingTime: () => undefined,
    });
  }
  processElement(key: string, timestamp: number): void {
    const backend = this.env.keyedStateBackend!;
    const count = ((backend.get(COUNT) as number | undefined) ?? 0) + 1;
    backend.put(COUNT, count);
    this.timers.registerEventTimeTimer(null, timestamp * 10);
    this.output.collect(`${key}=${count}`, timestamp);
  }
  processWatermark(watermark: number): void {
    this.env.timeServiceManager!.advanceWatermark(watermark);
    this.output.emitWatermark(watermark);
  }
  snapshotState(context: StateSnapshotContext): void {
    this.snapshots.push(context);
  }
}

const keyed = (subtaskIndex = 0, parallelism = 1, maxParallelism = 128) =>
  new OneInputOperatorTestHarness<string, string>(new KeyedCounter(), { keySelector: (k: string) => k, subtaskIndex, parallelism, maxParallelism });

const KEYS = Array.from({ length: 24 }, (_, i) => `k${i}`);

/** The counts of all keys the harness holds, read through its backend. */
function counts(h: OneInputOperatorTestHarness<string, string>): Record<string, number> {
  return Object.fromEntries([...h.keyedStateBackend!.entries('count')].map(([id, v]) => [id.slice(1), v as number]).sort());
}

const bytes = (h: StreamStateHandle | undefined): Uint8Array => {
  if (h?.kind !== 'inline') throw new Error('expected an inline handle');
  return h.data;
};

describe('operator test harness snapshots of keyed state and timers', () => {
  it('restore a new operator at the same parallelism: state, timers, isRestored and the checkpoint id', async () => {
    const h = keyed();
    await h.open();
    for (const [i, k] of ['a', 'b', 'a'].entries()) h.processElement(k, i + 1);
    const snapshot = h.snapshot(7, 1234);
    expect(h.operator instanceof KeyedCounter && h.operator.snapshots).toEqual([{ checkpointId: 7, checkpointTimestamp: 1234 }]);
    // Encoded with the checkpoint codecs, covering the subtask's whole key-group range.
    const file = decodeKeyedStateFile(bytes(snapshot.state.keyed?.handle), 'snapshot');
    expect(file.keyGroupRange).toEqual({ startKeyGroup: 0, endKeyGroup: 127 });
    expect(file.groups.flatMap((g) => g.states.flatMap((s) => s.entries.map((e) => [e.key, e.value]))).sort()).toEqual([['a', 2], ['b', 1]]);
    expect(snapshot.state.operator).toBeUndefined();
    h.processElement('a', 4); // after the snapshot: not in it

    const restored = keyed();
    await restored.initializeState({ from: snapshot });
    await restored.open();
    expect((restored.operator as KeyedCounter).restoredFrom).toBe(7);
    expect(counts(restored)).toEqual({ a: 2, b: 1 });
    expect(restored.numTimers()).toBe(3);
    restored.processElement('b', 5);
    restored.processWatermark(30);
    expect(restored.output.logLines()).toEqual(['b=2 @5', 'timer a@10 @10', 'timer b@20 @20', 'timer a@30 @30', 'wm 30']);
  });

  it('scale 2 → 1: one subtask restores both snapshots, every key and timer once', async () => {
    const old = [keyed(0, 2), keyed(1, 2)];
    for (const h of old) await h.open();
    KEYS.forEach((k, i) => old[assignKeyToParallelOperator(k, 128, 2)].processElement(k, i));
    const snapshots = old.map((h) => h.snapshot(3));
    expect(snapshots.map((s) => s.state.keyed?.keyGroupRange)).toEqual([computeKeyGroupRangeForOperatorIndex(128, 2, 0), computeKeyGroupRangeForOperatorIndex(128, 2, 1)]);

    const one = keyed(0, 1);
    await one.initializeState({ from: snapshots });
    await one.open();
    expect(counts(one)).toEqual(Object.fromEntries(KEYS.map((k) => [k, 1]).sort()));
    expect(one.numTimers()).toBe(KEYS.length);
  });

  it('scale 1 → 3: each subtask restores the keys of its key-group range only and rejects the others', async () => {
    const h = keyed();
    await h.open();
    KEYS.forEach((k, i) => h.processElement(k, i));
    const snapshot = h.snapshot(2);
    const restored = [0, 1, 2].map((i) => keyed(i, 3));
    for (const r of restored) {
      await r.initializeState({ from: snapshot });
      await r.open();
    }
    const expectedKeys = [0, 1, 2].map((i) => KEYS.filter((k) => assignKeyToParallelOperator(k, 128, 3) === i).sort());
    expect(restored.map((r) => Object.keys(counts(r)).sort())).toEqual(expectedKeys);
    expect(expectedKeys.every((ks) => ks.length > 0)).toBe(true);
    expect(restored.map((r) => r.numTimers())).toEqual(expectedKeys.map((ks) => ks.length));
    const foreign = expectedKeys[1][0];
    expect(() => restored[0].processElement(foreign, 1)).toThrow(KeyGroupOutOfRangeError);
  });

  it('refuses snapshots it cannot restore together, keyed state of another max parallelism, and a snapshot before initialisation', async () => {
    const take = async (checkpointId: number, subtaskIndex: number, parallelism: number, maxParallelism = 128): Promise<OperatorSnapshot> => {
      const h = keyed(subtaskIndex, parallelism, maxParallelism);
      await h.open();
      return h.snapshot(checkpointId);
    };
    await expect(keyed().initializeState({ from: [await take(1, 0, 2), await take(2, 1, 2)] })).rejects.toThrow(/one checkpoint and parallelism/);
    await expect(keyed().initializeState({ from: [await take(1, 0, 2), await take(1, 0, 2)] })).rejects.toThrow(/Two snapshots of subtask 0/);
    await expect(keyed().initializeState({ from: await take(1, 0, 1, 64) })).rejects.toThrow(/max parallelism 64 cannot be restored at max parallelism 128/);
    expect(() => keyed().snapshot(1)).toThrow(/needs an initialised operator/);
  });
});

/**
 * Keeps the records it saw in operator list state (`seen`, split on rescaling), its subtask index
 * in union list state (`subtasks`) and a rule in broadcast state (`rules`).
 */
class OperatorStateKeeper extends AbstractStreamOperator<string> implements OneInputStreamOperator<string, string> {
  seen!: ListState<string>;
  subtasks!: ListState<number>;
  rules!: BroadcastState<string, number>;

  initializeState(context: StateInitializationContext): void {
    const store = context.operatorStateStore;
    this.seen = store.getListState(new ListStateDescriptor<string>('seen'));
    this.subtasks = store.getUnionListState(new ListStateDescriptor<number>('subtasks'));
    this.rules = store.getBroadcastState(new MapStateDescriptor<string, number>('rules'));
    if (!context.isRestored()) {
      this.subtasks.add(this.env.runtimeContext.getIndexOfThisSubtask());
      this.rules.put('limit', 10);
    }
  }
  processElement(value: string): void {
    this.seen.add(value);
  }
  processWatermark(): void {}
}

const keeper = (subtaskIndex: number, parallelism: number) => new OneInputOperatorTestHarness<string, string>(new OperatorStateKeeper(), { subtaskIndex, parallelism });

/** Snapshots of `parallelism` subtasks; subtask i saw i + 1 records `i.0`, `i.1`, .... */
async function keeperSnapshots(parallelism: number): Promise<OperatorSnapshot[]> {
  const snapshots: OperatorSnapshot[] = [];
  for (let i = 0; i < parallelism; i++) {
    const h = keeper(i, parallelism);
    await h.open();
    for (let j = 0; j <= i; j++) h.processElement(`${i}.${j}`);
    snapshots.push(h.snapshot(5));
  }
  return snapshots;
}

async function restoredKeepers(snapshots: readonly OperatorSnapshot[], parallelism: number) {
  const out: Array<{ seen: string[]; subtasks: number[]; rules: Array<[string, number]> }> = [];
  for (let i = 0; i < parallelism; i++) {
    const h = keeper(i, parallelism);
    await h.initializeState({ from: snapshots });
    const op = h.operator as OperatorStateKeeper;
    out.push({ seen: [...op.seen.get()], subtasks: [...op.subtasks.get()], rules: [...op.rules.entries()] });
  }
  return out;
}

describe('operator test harness snapshots of operator state', () => {
  it('are operator state files; at the same parallelism each subtask gets its own list back and every union list', async () => {
    const snapshots = await keeperSnapshots(2);
    expect(decodeOperatorStateFile(bytes(snapshots[1].state.operator), 'snapshot').states).toEqual([
      { name: 'seen', mode: 'SPLIT_DISTRIBUTE', values: ['1.0', '1.1'] },
      { name: 'subtasks', mode: 'UNION', values: [1] },
      { name: 'rules', mode: 'BROADCAST', values: [['limit', 10]] },
    ]);
    expect(snapshots[1].state.keyed).toBeUndefined();
    expect(await restoredKeepers(snapshots, 2)).toEqual([
      { seen: ['0.0'], subtasks: [0, 1], rules: [['limit', 10]] },
      { seen: ['1.0', '1.1'], subtasks: [0, 1], rules: [['limit', 10]] },
    ]);
  });

  it('split lists evenly in subtask order at another parallelism; union lists go to all, broadcast state once to each', async () => {
    const three = await keeperSnapshots(3); // seen: 0.0 | 1.0 1.1 | 2.0 2.1 2.2
    expect(await restoredKeepers(three, 2)).toEqual([
      { seen: ['0.0', '1.0', '1.1'], subtasks: [0, 1, 2], rules: [['limit', 10]] },
      { seen: ['2.0', '2.1', '2.2'], subtasks: [0, 1, 2], rules: [['limit', 10]] },
    ]);
    const four = await restoredKeepers(three, 4);
    expect(four.map((s) => s.seen)).toEqual([['0.0'], ['1.0', '1.1'], ['2.0'], ['2.1', '2.2']]);
    expect(four.every((s) => s.subtasks.length === 3 && s.rules.length === 1)).toBe(true);
    expect((await restoredKeepers(three, 1))[0].seen).toEqual(['0.0', '1.0', '1.1', '2.0', '2.1', '2.2']);
  });
});
