/**
 * One Nexmark baseline in a process of its own, as each engine run is (nexmark-child.ts):
 * `node nexmark-baseline-child.js <query> <events> <repeats> [bundled reference]` runs the query's
 * single loop once unmeasured (the JIT optimises it), then `repeats` times, and prints one JSON line
 * `{ rate, rates, results }` (rate: the median). Measured in the bench's own process, after it had
 * bundled the references and waited for the engine's children, the same loop read from 1.9 to 3.5 M/s
 * (q11) within one session, where a process of its own reads within a few per cent run after run.
 */
import { baselineOf } from './nexmark-baselines';
import { median } from './stats';

async function main(): Promise<void> {
  const [query, n, r, bundledReference] = process.argv.slice(2);
  const events = Number(n);
  const repeats = Number(r);
  if (!Number.isInteger(events) || events < 1 || !Number.isInteger(repeats) || repeats < 1) {
    throw new Error(`usage: nexmark-baseline-child <query> <events> <repeats> [bundled reference], got ${process.argv.slice(2).join(' ')}`);
  }
  const baseline = await baselineOf(query, bundledReference);
  if (baseline === undefined) throw new Error(`no baseline for ${query}`);
  const results = baseline(events);
  const rates: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    baseline(events);
    rates.push(events / ((performance.now() - t) / 1000));
  }
  process.stdout.write(`${JSON.stringify({ rate: median(rates), rates, results })}\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
}
