/**
 * What two threads can do on this machine, without the engine: the q5 local phase written by hand
 * (generate the events, count bids per auction and 2 s slice in a Map, drop a slice's counts when
 * event time has passed it) in one worker thread, then in two at once, each over its own events.
 * The ratio of the totals is the ceiling any engine's p=2 / p=1 meets here: the two threads share the
 * machine's caches and memory, and V8's garbage collection and compilation run on helper threads
 * that, with one busy thread, have the other core to themselves.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { NexmarkGenerator, nexmarkConfig } from '@flott/nexmark';

const SLIDE_MS = 2_000;

/** Counts bids per (slice, auction) over `n` events; returns events per second. */
function localCounts(n: number, first: number): number {
  const generator = new NexmarkGenerator(nexmarkConfig({ events: first + n }));
  const slices = new Map<number, Map<number, number>>();
  let partials = 0;
  const t = performance.now();
  for (let i = first; i < first + n; i++) {
    const e = generator.at(i);
    if (e.type !== 'bid') continue;
    const ts = e.bid.dateTime;
    const start = ts - (ts % SLIDE_MS);
    let counts = slices.get(start);
    if (!counts) slices.set(start, (counts = new Map()));
    counts.set(e.bid.auction, (counts.get(e.bid.auction) ?? 0) + 1);
    if ((i & 0xffff) === 0) {
      // What a watermark 4 s behind would release.
      for (const [s, c] of slices) {
        if (s + SLIDE_MS <= ts - 4_000) {
          partials += c.size;
          slices.delete(s);
        }
      }
    }
  }
  const rate = n / ((performance.now() - t) / 1000);
  if (partials < 0) throw new Error('unreachable');
  return rate;
}

function runThreads(threads: number, events: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const rates: number[] = [];
    for (let i = 0; i < threads; i++) {
      const w = new Worker(__filename, { workerData: { events, first: i * events } });
      w.once('message', (rate: number) => {
        rates.push(rate);
        if (rates.length === threads) resolve(rates.reduce((a, b) => a + b, 0));
      });
      w.once('error', reject);
    }
  });
}

export interface ThreadScaling {
  readonly events: number;
  readonly oneThread: number;
  readonly twoThreads: number;
}

/** Median of `repeats` rounds of one thread, then two threads, each thread over `events` events. */
export async function measureThreadScaling(events: number, repeats: number): Promise<ThreadScaling> {
  const ones: number[] = [];
  const twos: number[] = [];
  for (let r = 0; r < repeats; r++) {
    ones.push(await runThreads(1, events));
    twos.push(await runThreads(2, events));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { events, oneThread: median(ones), twoThreads: median(twos) };
}

if (!isMainThread && parentPort) {
  const { events, first } = workerData as { events: number; first: number };
  parentPort.postMessage(localCounts(events, first));
}
