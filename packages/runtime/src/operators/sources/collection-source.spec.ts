import { InputStatus } from '../stream-operator';
import { SourceOperatorTestHarness } from '../testing';
import { CollectionSource } from './collection-source';

describe('CollectionSource', () => {
  it('emits the elements in order, at most maxRecords per poll, then ends', async () => {
    const h = new SourceOperatorTestHarness(new CollectionSource(['a', 'b', 'c']));
    await h.open();
    expect(h.pollNext(2)).toBe(InputStatus.MORE_AVAILABLE);
    expect(h.output.values()).toEqual(['a', 'b']);
    expect(h.pollNext(2)).toBe(InputStatus.END_OF_INPUT);
    expect(h.output.values()).toEqual(['a', 'b', 'c']);
    expect(h.pollNext(2)).toBe(InputStatus.END_OF_INPUT);
    expect(h.output.values()).toEqual(['a', 'b', 'c']);
  });

  it('iterates a generator only when opened (not while the graph is built)', async () => {
    let started = false;
    function* gen(): Generator<number> {
      started = true;
      yield 1;
      yield 2;
    }
    const source = new CollectionSource(gen());
    expect(started).toBe(false);
    expect(await new SourceOperatorTestHarness(source).run()).toEqual([1, 2]);
  });

  it('stops emitting on cancel and releases the iterator at close', async () => {
    let returned = false;
    const infinite: Iterable<number> = {
      [Symbol.iterator]: () => {
        let i = 0;
        return { next: () => ({ value: i++, done: false }), return: () => ((returned = true), { value: undefined, done: true }) };
      },
    };
    const h = new SourceOperatorTestHarness(new CollectionSource(infinite));
    await h.open();
    expect(h.pollNext(3)).toBe(InputStatus.MORE_AVAILABLE);
    h.operator.cancel();
    expect(h.pollNext(3)).toBe(InputStatus.END_OF_INPUT);
    expect(h.output.values()).toEqual([0, 1, 2]);
    await h.close();
    expect(returned).toBe(true);
  });
});

describe('CollectionSource checkpoints', () => {
  it('keeps the number of elements emitted; a restored source skips them and emits the rest once', async () => {
    const h = new SourceOperatorTestHarness(new CollectionSource(['a', 'b', 'c', 'd', 'e']));
    await h.open();
    h.pollNext(2);
    const snapshot = h.snapshot(3);
    expect(h.operatorStateStore.snapshotState()).toEqual([{ name: 'collection-emitted', mode: 'SPLIT_DISTRIBUTE', values: [2] }]);

    const restored = new SourceOperatorTestHarness(new CollectionSource(['a', 'b', 'c', 'd', 'e']));
    await restored.initializeState({ from: snapshot });
    expect(await restored.run(10)).toEqual(['c', 'd', 'e']);
  });
});
