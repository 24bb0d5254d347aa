import { parsePrinted, runExample } from '../run-example';
import { lineAt } from './events';
import type { WindowedCount } from './windowed-word-count';

/** The same counts as a plain batch group-by over (window, word). */
function expectedCounts(events: number, windowMs: number): WindowedCount[] {
  const counts = new Map<string, WindowedCount>();
  for (let i = 0; i < events; i++) {
    const line = lineAt(i);
    const start = Math.floor(line.timestamp / windowMs) * windowMs;
    for (const word of line.text.split(' ')) {
      const k = `${start}|${word}`;
      const prev = counts.get(k);
      counts.set(k, { windowStart: start, windowEnd: start + windowMs, word, count: (prev?.count ?? 0) + 1 });
    }
  }
  return [...counts.values()];
}

const order = (a: WindowedCount, b: WindowedCount) => a.windowStart - b.windowStart || a.word.localeCompare(b.word);

describe('windowed-word-count example', () => {
  it.each([1, 2])('counts words per event-time window at parallelism %i', (p) => {
    const r = runExample([
      '-p', String(p), '-D', 'taskmanager.numberOfTaskSlots=2', '-D', 'pipeline.auto-watermark-interval=20 ms',
      'examples/windowed-word-count/windowed-word-count.ts', '--events', '300', '--window-ms', '5000',
    ]);
    expect(r.code).toBe(0);
    const got = r.lines.map((l) => parsePrinted<WindowedCount>(l)).sort(order);
    expect(got).toEqual(expectedCounts(300, 5000).sort(order));
  });
});
