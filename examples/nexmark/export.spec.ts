import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { events, nexmarkConfig, type NexmarkEvent } from '@flott/nexmark';
import { runExample } from '../run-example';

function flat(e: NexmarkEvent): Record<string, unknown> {
  if (e.type === 'bid') return { type: 'bid', ...e.bid };
  if (e.type === 'auction') return { type: 'auction', ...e.auction };
  return { type: 'person', ...e.person };
}

describe('nexmark export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nexmark-export-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one flat JSON object per event, in event order, equal to the generator', () => {
    const file = join(dir, 'events.jsonl');
    const r = runExample(['examples/nexmark/export.ts', '--events', '100000', '--out', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    const expected = [...events(nexmarkConfig({ events: 100_000 }))].map(flat);
    expect(lines.length).toBe(100_000);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.filter((got, i) => JSON.stringify(got) !== JSON.stringify(expected[i]))).toEqual([]);
    expect(parsed[0]).toEqual(expect.objectContaining({ type: 'auction', id: 1000, dateTime: Date.UTC(2025, 0, 1) }));
    expect(parsed[49]).toEqual(expect.objectContaining({ type: 'person', id: 1001 }));
  });
});
