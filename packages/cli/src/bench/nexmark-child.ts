/**
 * One Nexmark query at one parallelism, in a process of its own so its peak RSS is its own:
 * `node nexmark-child.js <job file> <parallelism> <events>` prints one JSON line
 * `{ rate, rates, peakRssMb }`. The MiniCluster has as many slots as the parallelism.
 */
import { runBenchJob } from './run-job';

async function main(): Promise<void> {
  const [jobFile, p, events] = process.argv.slice(2);
  const parallelism = Number(p);
  const records = Number(events);
  const { rate, rates } = await runBenchJob({ jobFile, slots: parallelism, parallelism, args: ['--events', String(records)], records });
  // maxRSS covers the whole process: JobManager roles, TaskManager and every slot thread's heap.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ rate, rates, peakRssMb })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
