import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { events, nexmarkConfig, type NexmarkEvent } from '@flott/nexmark';
import { runExample } from '../run-example';
import { q0Reference } from './reference/q0';
import { q1Reference, toEuroCents } from './reference/q1';
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

describe.each([1, 2])('Nexmark q0–q3 at parallelism %i equal their batch references', (p) => {
  it('q0: every bid passes through', () => {
    const got = runQuery('q0', p);
    const expected = q0Reference(stream);
    expect(expected.length).toBe(184_000);
    if (p === 1) expect(got).toEqual(expected.map((r) => JSON.stringify(r)));
    else expect(got.sort()).toEqual(canonical(expected));
  });

  it('q1: prices in euro cents', () => {
    const expected = q1Reference(stream);
    expect(runQuery('q1', p).sort()).toEqual(canonical(expected));
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

describe('q1 rounding', () => {
  it('rounds half a cent up and keeps whole cents exact', () => {
    expect([100, 1000, 125, 1, 0].map(toEuroCents)).toEqual([91, 908, 114, 1, 0]);
    // 625 × 0.908 = 567.5 → 568.
    expect(toEuroCents(625)).toBe(568);
  });
});
