/**
 * Hand-written single-loop baselines of the Nexmark queries for `npm run bench`: each generates the
 * same events as the engine's source (`events(config)` of @flott/nexmark) and runs the query's work
 * in plain JavaScript in the same loop, so generation + query are timed together, as in the engine.
 * Each returns the number of results (the bench prints it as a sanity figure). q0–q3 are loops
 * written here; the other queries run their batch references from examples/nexmark/reference, which
 * the bench loads by bundling (they sit beside the job files, outside this package).
 */
import { pathToFileURL } from 'node:url';
import { events, nexmarkConfig, type GeneratorConfig, type NexmarkEvent } from '@flott/nexmark';

const configOf = (n: number): GeneratorConfig => nexmarkConfig({ events: n });

/** Results are consumed (a checksum) so the loop cannot drop the projection it builds. */
let sink = 0;

function q0(n: number): number {
  let results = 0;
  for (const e of events(configOf(n))) {
    if (e.type !== 'bid') continue;
    const b = e.bid;
    const out = { auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra };
    sink += out.price;
    results++;
  }
  return results;
}

function q1(n: number): number {
  let results = 0;
  for (const e of events(configOf(n))) {
    if (e.type !== 'bid') continue;
    const b = e.bid;
    // As examples/nexmark/q1.ts: euro cents exact to 3 decimals (an exact integer product, one division).
    const out = { auction: b.auction, bidder: b.bidder, price: (b.price * 908) / 1000, dateTime: b.dateTime, extra: b.extra };
    sink += out.price;
    results++;
  }
  return results;
}

function q2(n: number): number {
  let results = 0;
  for (const e of events(configOf(n))) {
    if (e.type !== 'bid' || e.bid.auction % 123 !== 0) continue;
    const out = { auction: e.bid.auction, price: e.bid.price };
    sink += out.price;
    results++;
  }
  return results;
}

/** q3: auctions of category 10 joined with sellers in OR/ID/CA, both sides kept (an unbounded join). */
function q3(n: number): number {
  const people = new Map<number, { name: string; city: string; state: string }>();
  const auctionsBySeller = new Map<number, number[]>();
  let results = 0;
  for (const e of events(configOf(n))) {
    if (e.type === 'person') {
      const p = e.person;
      if (p.state !== 'OR' && p.state !== 'ID' && p.state !== 'CA') continue;
      people.set(p.id, { name: p.name, city: p.city, state: p.state });
      for (const id of auctionsBySeller.get(p.id) ?? []) {
        sink += id;
        results++;
      }
    } else if (e.type === 'auction' && e.auction.category === 10) {
      const a = e.auction;
      let list = auctionsBySeller.get(a.seller);
      if (!list) auctionsBySeller.set(a.seller, (list = []));
      list.push(a.id);
      const seller = people.get(a.seller);
      if (seller) {
        sink += a.id + seller.name.length;
        results++;
      }
    }
  }
  return results;
}

/** A query's batch reference (examples/nexmark/reference) as a baseline: run over freshly generated events. */
export function referenceBaseline(query: (events: Iterable<NexmarkEvent>) => unknown): (n: number) => number {
  return (n) => {
    const r = query(events(configOf(n)));
    if (Array.isArray(r)) return r.length;
    if (r instanceof Map) return r.size;
    throw new Error(`Assertion failed: a batch reference returned ${typeof r}, not an array or a Map`);
  };
}

/** The hand-written loops; the other queries use their batch references. */
export const loopBaselines: Readonly<Record<string, (events: number) => number>> = { q0, q1, q2, q3 };

/** Exported name of each query's batch reference in examples/nexmark/reference/<query>.ts. */
export const REFERENCE_EXPORTS: Readonly<Record<string, string>> = {
  q4: 'q4Reference',
  q5: 'q5Reference',
  q7: 'q7Reference',
  q8: 'q8Reference',
  q9: 'q9Reference',
  q11: 'q11Reference',
  q12: 'q12BidsPerBidder',
};

/** import() that TypeScript's CommonJS output leaves alone (a bundled reference is an ES module). */
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

/**
 * The baseline of `query`: its loop, or its batch reference from `bundledReference` (the reference
 * file bundled like a job); undefined when the query has neither.
 */
export async function baselineOf(query: string, bundledReference: string | undefined): Promise<((events: number) => number) | undefined> {
  const loop = loopBaselines[query] as ((events: number) => number) | undefined;
  if (loop) return loop;
  const exportName = REFERENCE_EXPORTS[query] as string | undefined;
  if (!exportName || bundledReference === undefined) return undefined;
  const mod = (await importModule(pathToFileURL(bundledReference).href)) as Record<string, unknown>;
  const fn = mod[exportName];
  if (typeof fn !== 'function') throw new Error(`${bundledReference} does not export a function ${exportName}`);
  return referenceBaseline(fn as (events: Iterable<NexmarkEvent>) => unknown);
}
export const checksum = (): number => sink;
