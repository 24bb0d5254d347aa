/**
 * One Nexmark query at one parallelism, in a process of its own so its peak RSS is its own:
 * `node nexmark-child.js <job file> <parallelism> <events | auto:SECONDS> [copies] [warm events]` prints one JSON
 * line `{ rate, rates, peakRssMb, events }`. The MiniCluster has as many slots as the parallelism
 * (times `copies`: that many copies of the job run side by side, the rate counts all their events). A
 * warm-up run of WARMUP_EVENTS comes first, unmeasured; with `auto:SECONDS` its rate sizes the
 * measured runs to about SECONDS each (steady-state throughput, as Nexmark means it: Flink's runs
 * are 100 M events long), rounded to 100 000 events. While a warm-up suggests more than 1.5× its own
 * events (its rate was mostly start-up and the JIT's: a run sized from it would last a third of
 * SECONDS), one of the size it suggests follows, sized from again (at most three).
 * With a fixed size, the warm-up is followed by one unmeasured run of that size (or of `warm events`),
 * so a fixed-size child (p=2, sized by p=1's child) warms up as an auto-sized one does.
 */
import { runBenchJob } from './run-job';

const WARMUP_EVENTS = Number(process.env.FLOTT_BENCH_WARMUP_EVENTS ?? 300_000);
/** Bounds of the auto-sized runs (memory of the stateful queries grows with the stream). */
const MIN_EVENTS = 500_000;
const MAX_EVENTS = 30_000_000;

export function eventsFor(rate: number, seconds: number): number {
  return Math.min(MAX_EVENTS, Math.max(MIN_EVENTS, Math.round((rate * seconds) / 100_000) * 100_000));
}

async function main(): Promise<void> {
  const [jobFile, p, size, c, w] = process.argv.slice(2);
  const parallelism = Number(p);
  const copies = Number(c ?? 1);
  const argsFor = (events: number) => ['--events', String(events)];
  const auto = size.startsWith('auto:') ? Number(size.slice('auto:'.length)) : undefined;
  const fixed = auto === undefined ? Number(size) : MIN_EVENTS;
  const warmSize = w === undefined ? fixed : Number(w);
  const { rate, rates, records } = await runBenchJob({
    jobFile,
    slots: parallelism * copies,
    parallelism,
    copies,
    args: argsFor(fixed),
    records: fixed,
    warmup: { args: argsFor(WARMUP_EVENTS), records: WARMUP_EVENTS },
    sizeFromWarmup: (warmupRate, warmupEvents) => {
      if (auto === undefined) {
        // A fixed size (p=2 runs the size p=1 chose): one unmeasured run of the warm size too, so both
        // parallelisms are measured after the same warm-up (else p=2's first measured run is its warm-up).
        if (warmupEvents !== warmSize) return { args: argsFor(warmSize), records: warmSize, warmAgain: true };
        return { args: argsFor(fixed), records: fixed };
      }
      const events = eventsFor(warmupRate, auto);
      const warmAgain = events > 1.5 * warmupEvents;
      return { args: argsFor(events), records: events, warmAgain };
    },
  });
  // maxRSS covers the whole process: JobManager roles, TaskManager and every slot thread's heap.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ rate, rates, peakRssMb, events: records })}\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
}
