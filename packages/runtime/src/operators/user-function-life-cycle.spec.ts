import {
  KeyedBroadcastProcessFunction,
  KeyedStateUnavailableError,
  ListStateDescriptor,
  MapStateDescriptor,
  ProcessWindowFunction,
  RichMapFunction,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  type CheckpointListener,
  type CheckpointedFunction,
  type Collector,
  type FunctionInitializationContext,
  type FunctionSnapshotContext,
  type KeyedBroadcastReadOnlyContext,
  type ListState,
  type ProcessWindowContext,
  type TimeWindow,
  type ValueState,
} from '@flott/core';
import { StreamMap } from './basic-operators';
import { CoBroadcastWithKeyedOperator } from './broadcast-operators';
import { CoStreamMap } from './co-operators';
import { AsyncSnapshotStateError } from './operator-errors';
import { KeyedOneInputOperatorTestHarness, OneInputOperatorTestHarness, TwoInputOperatorTestHarness } from './testing';
import { notifyUserFunctionsCheckpointComplete } from './user-function-life-cycle';
import { internalProcessWindowFunction } from './windowing/internal-window-functions';
import { listContents } from './windowing/window-contents';
import { WindowOperator } from './windowing/window-operator';

const PENDING = new ListStateDescriptor<string>('pending');
const COUNT = new ValueStateDescriptor<number>('count');

/**
 * A keyed map that counts per key in keyed state and buffers what it saw since the last checkpoint,
 * as a sink buffering for a commit would: the buffer goes into operator list state at each snapshot
 * and is "committed" when the checkpoint completes. Records every call in `calls`.
 */
class CountingBuffer extends RichMapFunction<string, string> implements CheckpointedFunction, CheckpointListener {
  readonly calls: string[] = [];
  readonly committed: string[][] = [];
  private buffer: string[] = [];
  private pending!: ListState<string>;
  private count!: ValueState<number>;

  async initializeState(context: FunctionInitializationContext): Promise<void> {
    await Promise.resolve(); // async initialisation is awaited before open()
    this.calls.push(`initializeState restored=${context.isRestored()} id=${context.getRestoredCheckpointId()}`);
    this.pending = context.getOperatorStateStore().getListState(PENDING);
    this.count = context.getKeyedStateStore().getState(COUNT);
    if (context.isRestored()) this.buffer = this.pending.get();
  }

  override open(): void {
    this.calls.push('open');
  }

  map(value: string): string {
    const n = (this.count.value() ?? 0) + 1;
    this.count.update(n);
    this.buffer.push(value);
    return `${value}#${n}`;
  }

  snapshotState(context: FunctionSnapshotContext): void {
    this.calls.push(`snapshotState ${context.getCheckpointId()} @${context.getCheckpointTimestamp()}`);
    this.pending.update(this.buffer);
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.calls.push(`complete ${checkpointId}`);
    this.committed.push(this.pending.get());
    this.buffer = [];
  }

  notifyCheckpointAborted(checkpointId: number): void {
    this.calls.push(`aborted ${checkpointId}`);
  }
}

const keyed = <OUT>(op: StreamMap<string, OUT>) => new KeyedOneInputOperatorTestHarness<string, OUT, string>(op, (v) => v);

describe('AbstractUdfStreamOperator forwards the checkpoint hooks to its user function', () => {
  it('on a fresh start: initializeState (not restored) before open, registering operator list state and keyed state', async () => {
    const fn = new CountingBuffer();
    const h = keyed(new StreamMap(fn));
    await h.open();
    h.processElements(['a', 'b', 'a']);
    expect(h.output.values()).toEqual(['a#1', 'b#1', 'a#2']);
    expect(fn.calls).toEqual(['initializeState restored=false id=undefined', 'open']);
    expect(h.operatorStateStore.getRegisteredStateNames()).toEqual(['pending']);
    await h.close();
  });

  it('snapshotState gets the checkpoint id and timestamp; the listener hears of completed and aborted checkpoints', async () => {
    const fn = new CountingBuffer();
    const h = keyed(new StreamMap(fn));
    await h.open();
    h.processElements(['a', 'b']);
    h.operator.snapshotState!({ checkpointId: 1, checkpointTimestamp: 1_000 });
    h.processElement('c');
    h.operator.snapshotState!({ checkpointId: 2, checkpointTimestamp: 2_000 });
    await h.operator.notifyCheckpointAborted!(1);
    await h.operator.notifyCheckpointComplete!(2);
    expect(fn.calls.slice(2)).toEqual(['snapshotState 1 @1000', 'snapshotState 2 @2000', 'aborted 1', 'complete 2']);
    expect(fn.committed).toEqual([['a', 'b', 'c']]);
    await h.close();
  });

  it('after a restore: isRestored() and the checkpoint id, with the restored operator and keyed state', async () => {
    const fn = new CountingBuffer();
    const h = keyed(new StreamMap(fn));
    h.operatorStateStore.getListState(PENDING).update(['x', 'y']);
    h.setCurrentKey('a');
    h.runtimeContext.getState(COUNT).update(5);
    await h.initializeState({ restoredCheckpointId: 7 });
    await h.open();
    await expect(h.initializeState()).rejects.toThrow('initializeState runs once');
    h.processElement('a');
    h.operator.snapshotState!({ checkpointId: 8, checkpointTimestamp: 8_000 });
    await h.operator.notifyCheckpointComplete!(8);
    expect(h.output.values()).toEqual(['a#6']);
    expect(fn.calls[0]).toBe('initializeState restored=true id=7');
    expect(fn.committed).toEqual([['x', 'y', 'a']]);
    await h.close();
  });

  it('a non-keyed function gets operator state, and a clear error when it asks for the keyed state store', async () => {
    let seen: unknown;
    const fn = {
      map: (v: number) => v,
      snapshotState: () => {},
      initializeState(context: FunctionInitializationContext) {
        context.getOperatorStateStore().getUnionListState(PENDING);
        try {
          context.getKeyedStateStore();
        } catch (e) {
          seen = e;
        }
      },
    };
    const h = new OneInputOperatorTestHarness<number, number>(new StreamMap(fn));
    await h.open();
    expect(seen).toBeInstanceOf(KeyedStateUnavailableError);
    expect((seen as Error).message).toBe("Keyed state can only be used on a 'keyed stream', i.e., after a 'keyBy()' operation.");
    expect(h.operatorStateStore.getRegisteredStateNames()).toEqual(['pending']);
    await h.close();
  });

  it('leaves a function that is neither checkpointed nor a listener alone, synchronously', async () => {
    const fn = { map: (v: number) => v + 1, snapshotState: 'not a method' };
    const h = new OneInputOperatorTestHarness<number, number>(new StreamMap(fn));
    await h.open();
    h.processElement(1);
    const op = h.operator;
    expect(op.snapshotState!({ checkpointId: 1, checkpointTimestamp: 0 })).toBeUndefined();
    expect(op.notifyCheckpointComplete!(1)).toBeUndefined();
    expect(op.notifyCheckpointAborted!(1)).toBeUndefined();
    expect(h.output.values()).toEqual([2]);
    expect(fn.snapshotState).toBe('not a method');
    await h.close();
  });

  it('fails the snapshot loudly when snapshotState returns a promise (it must finish while the barrier is held)', async () => {
    class AsyncSnapshot {
      map = (v: number) => v;
      initializeState(): void {}
      async snapshotState(): Promise<void> {}
    }
    const h = new OneInputOperatorTestHarness<number, number>(new StreamMap(new AsyncSnapshot()));
    await h.open();
    expect(() => h.operator.snapshotState!({ checkpointId: 1, checkpointTimestamp: 0 })).toThrow(AsyncSnapshotStateError);
    expect(() => h.operator.snapshotState!({ checkpointId: 1, checkpointTimestamp: 0 })).toThrow(
      /AsyncSnapshot.snapshotState\(\) returned a promise, but it must be synchronous/,
    );
    await h.close();
  });

  it('a listener without notifyCheckpointAborted is told only of completed checkpoints', async () => {
    const completed: number[] = [];
    const fn = { map: (v: number) => v, notifyCheckpointComplete: (id: number) => void completed.push(id) };
    const h = new OneInputOperatorTestHarness<number, number>(new StreamMap(fn));
    await h.open();
    await h.operator.notifyCheckpointAborted!(3);
    await h.operator.notifyCheckpointComplete!(4);
    expect(completed).toEqual([4]);
    await h.close();
  });
});

describe('operators with user functions outside the one-input map forward the hooks too', () => {
  it('two-input operators (CoStreamMap)', async () => {
    const calls: string[] = [];
    const fn = {
      map1: (v: number) => v,
      map2: (v: number) => v,
      initializeState: (c: FunctionInitializationContext) => void calls.push(`init ${c.isRestored()}`),
      snapshotState: (c: FunctionSnapshotContext) => void calls.push(`snapshot ${c.getCheckpointId()}`),
      notifyCheckpointComplete: (id: number) => void calls.push(`complete ${id}`),
    };
    const h = new TwoInputOperatorTestHarness<number, number, number>(new CoStreamMap(fn));
    await h.initializeState({ restoredCheckpointId: 2 });
    await h.open();
    h.operator.snapshotState!({ checkpointId: 3, checkpointTimestamp: 0 });
    await h.operator.notifyCheckpointComplete!(3);
    expect(calls).toEqual(['init true', 'snapshot 3', 'complete 3']);
    await h.close();
  });

  it('keyed broadcast operators', async () => {
    const RULES = new MapStateDescriptor<string, number>('rules');
    class Checkpointed extends KeyedBroadcastProcessFunction<string, string, number, string> implements CheckpointedFunction {
      readonly calls: string[] = [];
      processElement(_v: string, _c: KeyedBroadcastReadOnlyContext<string>, _o: Collector<string>): void {}
      processBroadcastElement(): void {}
      initializeState(c: FunctionInitializationContext): void {
        c.getKeyedStateStore().getState(COUNT);
        this.calls.push('init');
      }
      snapshotState(c: FunctionSnapshotContext): void {
        this.calls.push(`snapshot ${c.getCheckpointId()} @${c.getCheckpointTimestamp()}`);
      }
    }
    const fn = new Checkpointed();
    const h = new TwoInputOperatorTestHarness<string, number, string>(new CoBroadcastWithKeyedOperator(fn, [RULES]), {
      keySelector: (v: string) => v,
    });
    await h.open();
    h.operator.snapshotState!({ checkpointId: 5, checkpointTimestamp: 50 });
    expect(fn.calls).toEqual(['init', 'snapshot 5 @50']);
    await h.close();
  });

  it('window operators, to the user window function behind the internal one', async () => {
    class CountWindows extends ProcessWindowFunction<number, string, string, TimeWindow> implements CheckpointedFunction, CheckpointListener {
      readonly calls: string[] = [];
      private fired = 0;
      private firedState!: ListState<number>;
      process(key: string, _c: ProcessWindowContext<TimeWindow>, elements: Iterable<number>, out: Collector<string>): void {
        this.fired++;
        out.collect(`${key}:${[...elements].join(',')}`);
      }
      initializeState(c: FunctionInitializationContext): void {
        this.firedState = c.getOperatorStateStore().getListState(new ListStateDescriptor<number>('fired'));
        this.calls.push(`init ${c.isRestored()}`);
      }
      snapshotState(c: FunctionSnapshotContext): void {
        this.firedState.update([this.fired]);
        this.calls.push(`snapshot ${c.getCheckpointId()}`);
      }
      notifyCheckpointComplete(id: number): void {
        this.calls.push(`complete ${id} fired=${this.firedState.get().join()}`);
      }
    }
    const fn = new CountWindows();
    const op = new WindowOperator<number, number[], number, string, TimeWindow>({
      assigner: TumblingEventTimeWindows.of(10),
      contents: listContents<number>(),
      windowFunction: internalProcessWindowFunction(fn),
    });
    const h = new KeyedOneInputOperatorTestHarness<number, string, string>(op, () => 'k');
    await h.open();
    h.processElement(1, 1);
    h.processElement(2, 2);
    h.processWatermark(10);
    h.operator.snapshotState!({ checkpointId: 1, checkpointTimestamp: 0 });
    await h.operator.notifyCheckpointComplete!(1);
    expect(h.output.values()).toEqual(['k:1,2']);
    expect(fn.calls).toEqual(['init false', 'snapshot 1', 'complete 1 fired=1']);
    await h.close();
  });
});

describe('user function life cycle: order', () => {
  it('visits several functions in order, each waiting for an asynchronous one before it', async () => {
    const log: string[] = [];
    const slow = { notifyCheckpointComplete: async (id: number) => {
      await new Promise((r) => setImmediate(r));
      log.push(`slow ${id}`);
    } };
    const fast = { notifyCheckpointComplete: (id: number) => void log.push(`fast ${id}`) };
    const pending = notifyUserFunctionsCheckpointComplete([slow, 'not a function', fast], 9);
    expect(log).toEqual([]);
    await pending;
    expect(log).toEqual(['slow 9', 'fast 9']);
  });
});
