import { TimerQueue } from './timer-queue';
import { UnsupportedTimerKeyError } from './timer-ids';

/** Deterministic pseudo-random numbers for the model tests. */
function lcg(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
}

const KEYS: unknown[] = [1, 2, '1', 'two', -0, [1, 'a'], { b: 2, a: 1 }, true];
/** Equal by value (fresh objects each time, as after deserialisation): the model's identity of a key. */
const keyOf = (i: number): unknown => JSON.parse(JSON.stringify(KEYS[i])) as unknown;
const modelId = (keyIndex: number, ns: string, ts: number): string => `${ts}|${keyIndex}|${ns}`;

describe('TimerQueue', () => {
  /**
   * Random adds, removes and polls of timers of `keys` (by index; `keyOf` gives the key a call passes)
   * against a model of the live timers: every add's and remove's answer, the size, and the poll order.
   */
  function checkAgainstModel(seed: number, keys: readonly unknown[], keyOf: (i: number) => unknown): void {
    const rand = lcg(seed);
    const queue = new TimerQueue<string>();
    // The model: live timers with their registration order.
    const live = new Map<string, { ts: number; order: number }>();
    let order = 0;
    const polled: string[] = [];
    const expectedPolled: string[] = [];
    const idOf = (e: { key: unknown; namespaceId: string | number; timestamp: number }): string =>
      modelId(keys.findIndex((k) => Object.is(k, e.key) || (typeof k === 'object' && JSON.stringify(k) === JSON.stringify(e.key))), String(e.namespaceId), e.timestamp);
    for (let i = 0; i < 5000; i++) {
      const ts = rand(60);
      const k = rand(keys.length);
      const ns = rand(5) === 0 ? 'other' : 'main';
      const id = modelId(k, ns, ts);
      const op = rand(10);
      if (op < 2 && live.size > 0) {
        const victim = [...live.keys()][rand(live.size)];
        const [vts, vk, vns] = victim.split('|');
        expect(queue.remove(keyOf(Number(vk)), vns, Number(vts))).toBe(true);
        live.delete(victim);
      } else if (op === 2) {
        expect(queue.remove(keyOf(k), ns, ts)).toBe(live.delete(id));
      } else if (op === 3 && live.size > 0) {
        const next = [...live.entries()].sort((a, b) => a[1].ts - b[1].ts || a[1].order - b[1].order)[0][0];
        expect(queue.peekTimestamp()).toBe(live.get(next)!.ts);
        const e = queue.poll()!;
        polled.push(idOf(e));
        expectedPolled.push(next);
        live.delete(next);
      } else {
        const added = queue.add(keyOf(k), ns, ns, ts);
        expect(added).toBe(!live.has(id));
        if (added) live.set(id, { ts, order: order++ });
      }
      expect(queue.size).toBe(live.size);
    }
    const rest = [...live.entries()].sort((a, b) => a[1].ts - b[1].ts || a[1].order - b[1].order).map(([id]) => id);
    for (let e = queue.poll(); e; e = queue.poll()) polled.push(idOf(e));
    expect(polled).toEqual([...expectedPolled, ...rest]);
    expect(queue.size).toBe(0);
    expect(queue.peek()).toBeUndefined();
    expect(queue.peekTimestamp()).toBe(Number.POSITIVE_INFINITY);
  }

  it.each([7, 42, 1234])('polls in (timestamp, registration) order after random adds, removes and polls (seed %i)', (seed) => {
    checkAgainstModel(seed, KEYS, keyOf);
  });

  // Number keys that share the pending-timer cache's slots (key & 1023), and odd ones (NaN is one key to a Map).
  const NUMBER_KEYS: readonly number[] = [1, 1025, 2049, -0, 1024, -1, -1025, 2 ** 40, 2 ** 40 + 1024, 1.5, 1025.5, NaN];

  it.each([7, 42, 1234])('agrees with the model for number keys that share cache slots (seed %i)', (seed) => {
    checkAgainstModel(seed, NUMBER_KEYS, (i) => NUMBER_KEYS[i]);
  });

  it('keeps the key group and namespace of each timer and lists them per key group', () => {
    const queue = new TimerQueue<{ w: number }>((key) => (key === 'a' ? 5 : 6));
    queue.add('a', { w: 1 }, 'w1', 10);
    queue.add('b', { w: 1 }, 'w1', 10);
    queue.add('a', { w: 2 }, 'w2', 10);
    queue.add('a', { w: 2 }, 'w2', 20);
    const ofGroup = (g: number) => [...queue.all()].filter((e) => e.keyGroup === g);
    expect(ofGroup(5).map((e) => [e.key, e.namespace.w, e.timestamp]).sort()).toEqual([['a', 1, 10], ['a', 2, 10], ['a', 2, 20]]);
    expect(ofGroup(6).map((e) => e.keyGroup)).toEqual([6]);
    expect(queue.remove('a', 'w1', 10)).toBe(true);
    expect(ofGroup(5)).toHaveLength(2);
    queue.clear();
    expect(queue.size).toBe(0);
    expect([...queue.all()]).toEqual([]);
  });

  it('a timer registered again while its timestamp fires is a new timer, fired after the others of that time', () => {
    const queue = new TimerQueue<null>();
    for (const k of [1, 2, 3]) queue.add(k, null, 'v', 100);
    const first = queue.poll()!;
    expect(first.key).toBe(1);
    expect(queue.add(1, null, 'v', 100)).toBe(true);
    expect(queue.add(2, null, 'v', 100)).toBe(false);
    expect([queue.poll()!.key, queue.poll()!.key, queue.poll()!.key]).toEqual([2, 3, 1]);
    expect(queue.poll()).toBeUndefined();
  });

  it('stays compact when timers are registered and deleted over and over before they are due', () => {
    const queue = new TimerQueue<null>();
    queue.add('keep', null, 'v', 1000);
    for (let i = 0; i < 100_000; i++) {
      queue.add(i % 10, null, 'v', 1000);
      queue.remove(i % 10, 'v', 1000);
    }
    expect(queue.size).toBe(1);
    // The bucket's registration list was compacted: its dead entries never outnumber the live ones by much.
    const bucket = (queue as unknown as { buckets: Map<number, { keys: unknown[] }> }).buckets.get(1000)!;
    expect(bucket.keys.length).toBeLessThanOrEqual(66);
    expect(queue.poll()!.key).toBe('keep');
  });

  it('fires unique (unindexed) timers in order with the others, without touching the dedup index', () => {
    const queue = new TimerQueue<null>();
    queue.addUnique('a', null, 'v', 20);
    expect(queue.add('a', null, 'v', 20)).toBe(true);
    queue.addUnique('b', null, 'v', 10);
    queue.addUnique('b', null, 'v', 10);
    expect(queue.size).toBe(4);
    expect(queue.remove('b', 'v', 10)).toBe(false);
    expect([queue.poll()!.key, queue.poll()!.key]).toEqual(['b', 'b']);
    // Polling the unique 'a' leaves the indexed 'a' findable: it is still a duplicate, and removable.
    expect(queue.poll()!.key).toBe('a');
    expect(queue.add('a', null, 'v', 20)).toBe(false);
    expect(queue.remove('a', 'v', 20)).toBe(true);
    expect(queue.size).toBe(0);
  });

  it('deduplicates the same in a few-timer bucket (scanned) as in one past the scan limit (indexed), NaN keys included', () => {
    const queue = new TimerQueue<string>();
    for (let n = 0; n < 40; n++) {
      // Key n % 7 under two namespaces: pairs of one key with two namespaces, then repeats.
      const ns = n % 2 === 0 ? 'a' : 'b';
      expect(queue.add(n % 7, ns, ns, 100)).toBe(n < 14);
    }
    expect(queue.add(NaN, 'a', 'a', 100)).toBe(true);
    expect(queue.add(NaN, 'a', 'a', 100)).toBe(false);
    expect(queue.add(NaN, 'a', 'a', 200)).toBe(true);
    expect(queue.add(NaN, 'a', 'a', 200)).toBe(false);
    expect(queue.remove(3, 'b', 100)).toBe(true);
    expect(queue.remove(3, 'b', 100)).toBe(false);
    expect(queue.remove(NaN, 'a', 200)).toBe(true);
    expect(queue.size).toBe(14);
    const fired: string[] = [];
    for (let e = queue.poll(); e; e = queue.poll()) fired.push(`${String(e.key)}${e.namespaceId}@${e.timestamp}`);
    expect(fired).toEqual(['0a', '1b', '2a', '4a', '5b', '6a', '0b', '1a', '2b', '3a', '4b', '5a', '6b', 'NaNa'].map((t) => `${t}@100`));
  });

  it('a unique timer joining a bucket of timers found by a scan leaves those deduplicated and removable', () => {
    const queue = new TimerQueue<null>();
    expect(queue.add('a', null, 'v', 20)).toBe(true);
    queue.addUnique('a', null, 'v', 20);
    expect(queue.add('a', null, 'v', 20)).toBe(false);
    expect(queue.remove('a', 'v', 20)).toBe(true);
    expect(queue.remove('a', 'v', 20)).toBe(false);
    expect(queue.size).toBe(1);
  });

  it('registers a timer again right after it fired, was removed or the queue was cleared', () => {
    const queue = new TimerQueue<null>();
    expect(queue.add('k', null, 'v', 5)).toBe(true);
    expect(queue.add('k', null, 'v', 5)).toBe(false);
    expect(queue.poll()!.key).toBe('k');
    expect(queue.add('k', null, 'v', 5)).toBe(true);
    expect(queue.remove('k', 'v', 5)).toBe(true);
    expect(queue.add('k', null, 'v', 5)).toBe(true);
    queue.clear();
    expect(queue.add('k', null, 'v', 5)).toBe(true);
    expect(queue.add('k', null, 'w', 5)).toBe(true);
    expect(queue.add('k', null, 'v', 6)).toBe(true);
    expect(queue.size).toBe(3);
    // Number keys, another added in between (the last-added shortcut does not apply).
    queue.clear();
    expect([queue.add(3, null, 'v', 5), queue.add(4, null, 'v', 5), queue.add(3, null, 'v', 5)]).toEqual([true, true, false]);
    queue.clear();
    expect([queue.add(3, null, 'v', 5), queue.add(4, null, 'v', 5)]).toEqual([true, true]);
    expect(queue.size).toBe(2);
  });

  it('keeps the timer it added last pending across the removal of another, and forgets it with its own removal, by an equal composite key too', () => {
    const queue = new TimerQueue<null>();
    expect(queue.add(7, null, 1, 20)).toBe(true);
    expect(queue.add(7, null, 1, 10)).toBe(true);
    // A merged session window: its new timer, the old one deleted, the new one again.
    expect(queue.remove(7, 1, 20)).toBe(true);
    expect(queue.add(7, null, 1, 10)).toBe(false);
    expect(queue.remove(7, 1, 10)).toBe(true);
    expect(queue.add(7, null, 1, 10)).toBe(true);
    const key = [1, 'a'];
    expect(queue.add(key, null, 1, 30)).toBe(true);
    expect(queue.remove([1, 'a'], 1, 30)).toBe(true);
    expect(queue.add(key, null, 1, 30)).toBe(true);
    expect(queue.size).toBe(2);
    expect([queue.poll()!.timestamp, queue.poll()!.timestamp]).toEqual([10, 30]);
  });

  it('rejects a key that cannot be compared by value', () => {
    const queue = new TimerQueue<null>();
    expect(() => queue.add(new Set([1]), null, 'v', 1)).toThrow(UnsupportedTimerKeyError);
  });
});
