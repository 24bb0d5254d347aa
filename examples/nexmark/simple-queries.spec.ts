import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { events, nexmarkConfig, type NexmarkEvent } from '@flott/nexmark';
import { runExample } from '../run-example';
import { q0Reference } from './reference/q0';
import { euroCentsDecimal, q1Reference, toEuroCents } from './reference/q1';
import { q2Reference } from './reference/q2';
import { q3Reference } from './reference/q3';

const EVENTS = 200_000;
const stream: NexmarkEvent[] = [...events(nexmarkConfig({ events: EVENTS }))];
const dir = mkdtempSync(join(tmpdir(), 'nexmark-q0-q3-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a query job with the real CLI and returns its JSON Lines results as raw lines. */
function runQuery(query: string, parallelism: number): string[] {
  const file = join(dir, `${query}-p${parallelism}.jsonl`);
  const r = runExample([
    '-p', String(parallelism), '-D', 'taskmanager.numberOfTaskSlots=2',
    `examples/nexmark/${query}.ts`, '--events', String(EVENTS), '--output', file,
  ]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const lines = readFileSync(file, 'utf8').split('\n');
  expect(lines.pop()).toBe('');
  return lines;
}

/** Results as a sorted list of their JSON forms: a multiset comparison independent of arrival order. */
const canonical = (rows: readonly unknown[]): string[] => rows.map((r) => JSON.stringify(r)).sort();

/** The first few lines where two equally long lists differ: a short failure message, not a diff of every line. */
function firstDifferences(got: readonly string[], want: readonly string[], limit = 5): Array<{ got: string; want: string }> {
  const out: Array<{ got: string; want: string }> = [];
  for (let i = 0; i < want.length && out.length < limit; i++) if (got[i] !== want[i]) out.push({ got: got[i], want: want[i] });
  return out;
}

describe.each([1, 2])('Nexmark q0–q3 at parallelism %i equal their batch references', (p) => {
  it('q0: every bid passes through', () => {
    const got = runQuery('q0', p);
    const expected = q0Reference(stream);
    expect(expected.length).toBe(184_000);
    if (p === 1) expect(got).toEqual(expected.map((r) => JSON.stringify(r)));
    else expect(got.sort()).toEqual(canonical(expected));
  });

  it('q1: prices in euro cents, exact to 3 decimals', () => {
    const expected = q1Reference(stream);
    // Most conversions have decimals (only multiples of 250 cents give whole euro cents).
    expect(expected.filter((r) => !Number.isInteger(r.price)).length).toBeGreaterThan(expected.length * 0.9);
    const got = runQuery('q1', p).sort();
    expect(got.length).toBe(expected.length);
    expect(firstDifferences(got, canonical(expected))).toEqual([]);
  });

  it('q2: bids on auctions that are multiples of 123', () => {
    const expected = q2Reference(stream);
    expect(expected.length).toBeGreaterThan(1000);
    expect(runQuery('q2', p).sort()).toEqual(canonical(expected));
  });

  it('q3: category-10 auctions with their OR/ID/CA sellers, each match once', () => {
    const expected = q3Reference(stream);
    expect(expected.length).toBeGreaterThan(1000);
    // Both join orders occur: some auctions come before their seller registers.
    const registeredAt = new Map<number, number>();
    stream.forEach((e, n) => e.type === 'person' && registeredAt.set(e.person.id, n));
    const early = stream.filter((e, n) => e.type === 'auction' && e.auction.category === 10 && (registeredAt.get(e.auction.seller) ?? -1) > n);
    expect(early.length).toBeGreaterThan(0);
    expect(runQuery('q3', p).sort()).toEqual(canonical(expected));
  });
});

describe('q1 conversion (DECIMAL(23,3): exact, not rounded)', () => {
  it('keeps all 3 decimals of price × 0.908', () => {
    expect([100, 1000, 125, 625, 1, 0, 100_000_000].map(toEuroCents)).toEqual([90.8, 908, 113.5, 567.5, 0.908, 0, 90_800_000]);
    expect(toEuroCents(123_456_789)).toBe(112_098_764.412);
    expect(euroCentsDecimal(625)).toBe('567.500');
    // Multiplying by the double 0.908 is off in the last bit here; the exact value prints as 13.62.
    expect(15 * 0.908).not.toBe(13.62);
    expect(String(toEuroCents(15))).toBe('13.62');
  });

  it('prints every bid of the stream as its exact decimal', () => {
    const trimmed = (decimal: string): string => decimal.replace(/\.?0+$/, '');
    const wrong = stream.flatMap((e) => {
      if (e.type !== 'bid') return [];
      const printed = JSON.stringify(toEuroCents(e.bid.price));
      return printed === trimmed(euroCentsDecimal(e.bid.price)) ? [] : [`${e.bid.price} → ${printed}`];
    });
    expect(wrong.length).toBe(0);
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});
