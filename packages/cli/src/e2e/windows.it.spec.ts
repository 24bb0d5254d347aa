/**
 * Windows and joins end to end through the real `flott` binary, at parallelism 1 and 2: tumbling,
 * sliding (sliced and naive), session and windowAll aggregates over out-of-order input; allowed
 * lateness with late data dropped or side-output; window join and interval join. Every expectation
 * is computed here by a plain batch computation over the same generated input.
 */
import { DELAY, LATENESS, LATE_DELAY, SESSION_GAP, event, lateEvent, sessionEvent, type Event, type Row } from '../../test-jobs/window-jobs';
import { lastJsonLine, runFlott } from './run-cli';

const JOB = 'packages/cli/test-jobs/window-jobs.ts';

function runCase(name: string, parallelism: number, n: number) {
  return runFlott([
    'run', '-q', '-p', String(parallelism), '-D', 'taskmanager.numberOfTaskSlots=4', '-D', 'pipeline.auto-watermark-interval=5',
    JOB, '--case', name, '--n', String(n),
  ]);
}

const sortRows = (rows: Row[]): string[] => rows.map((r) => JSON.stringify(r)).sort();
const floorTo = (ts: number, size: number): number => Math.floor(ts / size) * size;

/** Batch group-by into every window [s, s + size) with s a multiple of `slide` that contains the timestamp. */
function windowed(tag: string, events: Event[], size: number, slide: number, keyOf: (e: Event) => string = (e) => e.key): Row[] {
  const groups = new Map<string, Row>();
  for (const e of events) {
    for (let s = floorTo(e.ts, slide); s > e.ts - size; s -= slide) {
      const id = `${keyOf(e)}|${s}`;
      const row = groups.get(id) ?? [tag, keyOf(e), s, s + size, 0, 0];
      row[4] += 1;
      row[5] += e.v;
      groups.set(id, row);
    }
  }
  return [...groups.values()];
}

/** Sessions per key: sorted timestamps, a session continues while the next one is <= last + gap. */
function sessions(events: Event[], gap: number): Row[] {
  const rows: Row[] = [];
  const byKey = new Map<string, Event[]>();
  for (const e of events) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e]);
  for (const [key, es] of byKey) {
    es.sort((a, b) => a.ts - b.ts);
    let current: Row | undefined;
    let last = 0;
    for (const e of es) {
      if (!current || e.ts > last + gap) {
        if (current) rows.push(current);
        current = ['session', key, e.ts, 0, 0, 0];
      }
      last = e.ts;
      current[3] = last + gap;
      current[4] += 1;
      current[5] += e.v;
    }
    if (current) rows.push(current);
  }
  return rows;
}

/**
 * Replays the lateness case as Flink defines it: the watermark after each record is max ts - delay - 1;
 * a window fires when the watermark reaches its end - 1, and again for each allowed late element; an
 * element whose window ended more than `lateness` before the watermark is late.
 */
function lateness(n: number, allowed: number, tag: string): { rows: Row[]; late: Row[] } {
  let watermark = Number.MIN_SAFE_INTEGER;
  let maxTs = Number.MIN_SAFE_INTEGER;
  const contents = new Map<string, Row>();
  const fired = new Set<string>();
  const rows: Row[] = [];
  const late: Row[] = [];
  const fireDue = (): void => {
    for (const [id, row] of contents) {
      if (!fired.has(id) && row[3] - 1 <= watermark) {
        fired.add(id);
        rows.push([...row]);
      }
    }
  };
  for (let i = 0; i < n; i++) {
    const e = lateEvent(i);
    const start = floorTo(e.ts, 50);
    const id = `${e.key}|${start}`;
    if (start + 50 - 1 + allowed <= watermark) {
      late.push(['late', e.key, e.ts, e.ts, 1, e.v]);
    } else {
      const row = contents.get(id) ?? [tag, e.key, start, start + 50, 0, 0];
      row[4] += 1;
      row[5] += e.v;
      contents.set(id, row);
      if (start + 50 - 1 <= watermark) {
        fired.add(id);
        rows.push([...row]);
      }
    }
    maxTs = Math.max(maxTs, e.ts);
    watermark = Math.max(watermark, maxTs - LATE_DELAY - 1);
    fireDue();
  }
  watermark = Number.MAX_SAFE_INTEGER;
  fireDue();
  return { rows, late };
}

describe.each([1, 2])('windows at parallelism %i', (p) => {
  it('tumbling, sliding (sliced and naive), windowAll and session aggregates equal batch group-bys', async () => {
    const n = 1500;
    const r = await runCase('windows', p, n);
    expect(r.code).toBe(0);
    const out = lastJsonLine<Row[]>(r);
    const events = Array.from({ length: n }, (_, i) => event(i));
    const byTag = (tag: string) => out.filter((row) => row[0] === tag);
    expect(DELAY).toBeGreaterThan(60);
    expect(sortRows(byTag('tumbling'))).toEqual(sortRows(windowed('tumbling', events, 100, 100)));
    expect(sortRows(byTag('sliding'))).toEqual(sortRows(windowed('sliding', events, 100, 20)));
    expect(sortRows(byTag('sliding-naive'))).toEqual(sortRows(windowed('sliding-naive', events, 100, 20)));
    expect(sortRows(byTag('all'))).toEqual(sortRows(windowed('all', events, 200, 200, () => '*')));
    const expectedSessions = sessions(Array.from({ length: n }, (_, i) => sessionEvent(i)), SESSION_GAP);
    expect(expectedSessions.length).toBeGreaterThan(50);
    expect(sortRows(byTag('session'))).toEqual(sortRows(expectedSessions));
  });

  it('allowed lateness re-fires windows; later elements go to the side output or are dropped', async () => {
    const n = 600;
    const r = await runCase('late', p, n);
    expect(r.code).toBe(0);
    const out = lastJsonLine<Row[]>(r);
    const side = lateness(n, LATENESS, 'side');
    const drop = lateness(n, 0, 'drop');
    expect(side.late.length).toBeGreaterThan(5);
    expect(drop.late.length).toBeGreaterThan(side.late.length);
    expect(side.rows.length).toBeGreaterThan(drop.rows.length);
    expect(sortRows(out.filter((row) => row[0] === 'side'))).toEqual(sortRows(side.rows));
    expect(sortRows(out.filter((row) => row[0] === 'drop'))).toEqual(sortRows(drop.rows));
    expect(sortRows(out.filter((row) => row[0] === 'late'))).toEqual(sortRows(side.late));
  });

  it('window join and interval join equal nested-loop joins', async () => {
    const n = 800;
    const r = await runCase('joins', p, n);
    expect(r.code).toBe(0);
    const out = lastJsonLine<Row[]>(r);
    const left = Array.from({ length: n }, (_, i) => event(i));
    const right = Array.from({ length: n }, (_, i) => ({ ...event(i), key: `k${(i * 3) % 5}`, v: 100_000 + i }));
    const join: Row[] = [];
    const interval: Row[] = [];
    for (const a of left) {
      for (const b of right) {
        if (a.key !== b.key) continue;
        if (floorTo(a.ts, 100) === floorTo(b.ts, 100)) join.push(['join', a.key, a.v, b.v, a.ts, b.ts]);
        if (b.ts >= a.ts - 20 && b.ts < a.ts + 30) interval.push(['interval', a.key, a.v, b.v, Math.max(a.ts, b.ts), 0]);
      }
    }
    expect(interval.length).toBeGreaterThan(100);
    expect(sortRows(out.filter((row) => row[0] === 'join'))).toEqual(sortRows(join));
    expect(sortRows(out.filter((row) => row[0] === 'interval'))).toEqual(sortRows(interval));
  });
});
