import { TimerHeap } from './timer-heap';

describe('TimerHeap', () => {
  it('polls in (timestamp, registration) order after random adds and removes', () => {
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const heap = new TimerHeap<string>();
    const live = new Map<string, { ts: number; order: number }>();
    let order = 0;
    for (let i = 0; i < 2000; i++) {
      const ts = rand(300);
      const id = `${ts}:${rand(20)}`;
      if (rand(4) === 0 && live.size > 0) {
        const victim = [...live.keys()][rand(live.size)];
        expect(heap.remove(victim)).toBe(true);
        live.delete(victim);
      } else {
        const added = heap.add('k', 'n', ts, id, () => 0);
        expect(added).toBe(!live.has(id));
        if (added) live.set(id, { ts, order: order++ });
      }
    }
    const expected = [...live.entries()].sort((a, b) => a[1].ts - b[1].ts || a[1].order - b[1].order).map(([id]) => id);
    const polled: string[] = [];
    for (let e = heap.poll(); e; e = heap.poll()) polled.push(e.id);
    expect(polled).toEqual(expected);
    expect(heap.size).toBe(0);
  });
});
