import { Wakeup } from './wakeup';

const tick = () => new Promise((r) => setImmediate(r));

describe('Wakeup', () => {
  it('resolves when a source settles, and subscribes to each source only once', async () => {
    const w = new Wakeup();
    let resolveSource!: () => void;
    const source = new Promise<void>((r) => (resolveSource = r));
    let thens = 0;
    const counted = Object.assign(source, {
      then: ((...args: Parameters<Promise<void>['then']>) => {
        thens++;
        return Promise.prototype.then.apply(source, args);
      }) as Promise<void>['then'],
    });
    for (let i = 0; i < 1000; i++) {
      const waiting = w.wait([counted]);
      w.wake();
      await waiting;
    }
    expect(thens).toBe(1);
    let done = false;
    void w.wait([counted]).then(() => (done = true));
    await tick();
    expect(done).toBe(false);
    resolveSource();
    await tick();
    expect(done).toBe(true);
  });

  it('returns at once for a source that already settled and is handed out again', async () => {
    const w = new Wakeup();
    const settled = Promise.resolve();
    await w.wait([settled]);
    let done = false;
    void w.wait([settled]).then(() => (done = true));
    await tick();
    expect(done).toBe(true);
  });

  it('remembers a wake-up that came while nobody waited', async () => {
    const w = new Wakeup();
    w.wake();
    let done = false;
    void w.wait([new Promise(() => {})]).then(() => (done = true));
    await tick();
    expect(done).toBe(true);
  });
});
