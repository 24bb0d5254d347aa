import { parsePrinted, runExample } from '../run-example';

interface Reading {
  sensor: string;
  total: number;
  count: number;
}

describe('keyed-generator example', () => {
  it('prints every running total, ending at the per-sensor sums', () => {
    const events = 40;
    const r = runExample(['-D', 'taskmanager.numberOfTaskSlots=2', 'examples/keyed-generator/keyed-generator.ts', '--events', String(events)]);
    expect(r.code).toBe(0);
    const printed = r.lines.map((l) => parsePrinted<Reading>(l));
    expect(printed).toHaveLength(events);
    const expected = new Map<string, Reading>();
    for (let i = 0; i < events; i++) {
      const sensor = `sensor-${i % 4}`;
      const prev = expected.get(sensor) ?? { sensor, total: 0, count: 0 };
      expected.set(sensor, { sensor, total: prev.total + ((i * 7) % 10), count: prev.count + 1 });
    }
    const finals = new Map<string, Reading>();
    for (const p of printed) if ((finals.get(p.sensor)?.count ?? 0) < p.count) finals.set(p.sensor, p);
    expect(finals).toEqual(expected);
    // Parallelism 2: both print subtasks took part.
    expect(new Set(r.lines.map((l) => l.slice(0, 3)))).toEqual(new Set(['1> ', '2> ']));
  });
});
