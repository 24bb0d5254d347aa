import { ManualClock } from '../../time/clock';
import { RequestTimeouts } from './request-timeouts';

class Item {
  done = false;
  constructor(readonly id: number) {}
}

describe('RequestTimeouts', () => {
  it('expires live items in start order with one timer, skipping the completed ones', () => {
    const clock = new ManualClock(0);
    const expired: number[] = [];
    const t = new RequestTimeouts<Item>(100, clock, clock, 100, (i) => expired.push(i.id));
    const items = [0, 1, 2, 3].map((id) => new Item(id));
    t.add(items[0]);
    clock.advance(10);
    t.add(items[1]);
    t.add(items[2]);
    clock.advance(30);
    t.add(items[3]);
    items[1].done = true;
    clock.advance(60);
    expect(expired).toEqual([0]);
    clock.advance(10);
    expect(expired).toEqual([0, 2]);
    clock.advance(29);
    expect(expired).toEqual([0, 2]);
    clock.advance(1);
    expect(expired).toEqual([0, 2, 3]);
  });

  it('keeps at most about maxEntries deadlines while an old request hangs and newer ones complete', () => {
    const clock = new ManualClock(0);
    const expired: number[] = [];
    const t = new RequestTimeouts<Item>(1000, clock, clock, 10, (i) => expired.push(i.id));
    const hung = new Item(-1);
    t.add(hung);
    for (let id = 0; id < 10_000; id++) {
      const item = new Item(id);
      t.add(item);
      item.done = true;
    }
    expect((t as unknown as { entries: unknown[] }).entries.length).toBeLessThanOrEqual(11);
    clock.advance(1000);
    expect(expired).toEqual([-1]);
  });

  it('clear drops the timer', () => {
    const clock = new ManualClock(0);
    const expired: number[] = [];
    const t = new RequestTimeouts<Item>(10, clock, clock, 10, (i) => expired.push(i.id));
    t.add(new Item(1));
    t.clear();
    clock.advance(100);
    expect(expired).toEqual([]);
  });
});
