import { wireEdge } from './edge-wiring';

const channels = (pattern: 'ALL_TO_ALL' | 'POINTWISE', p: number, c: number): string[][] =>
  wireEdge(pattern, p, c).channelsOfConsumer.map((chs) => chs.map((ch) => `p${ch.producer}.${ch.subpartition}`));

describe('wireEdge', () => {
  it('ALL_TO_ALL: consumer j reads subpartition j of every producer', () => {
    const w = wireEdge('ALL_TO_ALL', 2, 3);
    expect(w.consumersOfProducer).toEqual([[0, 1, 2], [0, 1, 2]]);
    expect(channels('ALL_TO_ALL', 2, 3)).toEqual([['p0.0', 'p1.0'], ['p0.1', 'p1.1'], ['p0.2', 'p1.2']]);
  });

  it('POINTWISE with equal parallelism connects i to i', () => {
    expect(wireEdge('POINTWISE', 3, 3).consumersOfProducer).toEqual([[0], [1], [2]]);
    expect(channels('POINTWISE', 3, 3)).toEqual([['p0.0'], ['p1.0'], ['p2.0']]);
  });

  it('POINTWISE 2 -> 4: each producer feeds a contiguous range of consumers', () => {
    expect(wireEdge('POINTWISE', 2, 4).consumersOfProducer).toEqual([[0, 1], [2, 3]]);
    expect(channels('POINTWISE', 2, 4)).toEqual([['p0.0'], ['p0.1'], ['p1.0'], ['p1.1']]);
  });

  it('POINTWISE 4 -> 2: each consumer reads a contiguous range of producers', () => {
    expect(wireEdge('POINTWISE', 4, 2).consumersOfProducer).toEqual([[0], [0], [1], [1]]);
    expect(channels('POINTWISE', 4, 2)).toEqual([['p0.0', 'p1.0'], ['p2.0', 'p3.0']]);
  });

  it('POINTWISE with uneven ranges follows Flink (3 -> 2 and 2 -> 3)', () => {
    expect(channels('POINTWISE', 3, 2)).toEqual([['p0.0'], ['p1.0', 'p2.0']]);
    expect(wireEdge('POINTWISE', 2, 3).consumersOfProducer).toEqual([[0, 1], [2]]);
    expect(channels('POINTWISE', 2, 3)).toEqual([['p0.0'], ['p0.1'], ['p1.0']]);
  });

  it('POINTWISE 1 -> 3 and 3 -> 1', () => {
    expect(wireEdge('POINTWISE', 1, 3).consumersOfProducer).toEqual([[0, 1, 2]]);
    expect(channels('POINTWISE', 3, 1)).toEqual([['p0.0', 'p1.0', 'p2.0']]);
  });
});
