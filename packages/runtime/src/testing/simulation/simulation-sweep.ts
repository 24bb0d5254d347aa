import { runSimulation, type ClusterSimulationOptions, type ClusterSimulationResult } from './cluster-simulation';

/** What a sweep over many seeds found. */
export interface SweepResult {
  readonly seeds: number;
  /** The seeds that broke an invariant or got stuck, each with its error (its `trace` holds the whole run). */
  readonly failures: ReadonlyArray<{ readonly seed: number; readonly error: Error }>;
  readonly steps: number;
  readonly simulatedMs: number;
}

/** How many seeds a sweep runs: FLOTT_SIM_SEEDS, or `fallback`. */
export function seedCountFromEnvironment(fallback: number): number {
  const raw = process.env.FLOTT_SIM_SEEDS;
  const count = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(count) || count < 1) throw new Error(`FLOTT_SIM_SEEDS must be a positive integer, not '${raw}'`);
  return count;
}

/** The one seed to replay by hand (FLOTT_SIM_SEED), if set. */
export function seedFromEnvironment(): number | undefined {
  const raw = process.env.FLOTT_SIM_SEED;
  if (raw === undefined) return undefined;
  const seed = Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`FLOTT_SIM_SEED must be an integer, not '${raw}'`);
  return seed;
}

/** Runs `seeds` one after another (a run owns the process's event loop while it runs). */
export async function sweepSimulations(seeds: Iterable<number>, strategies: ClusterSimulationOptions['strategies']): Promise<SweepResult> {
  const failures: Array<{ seed: number; error: Error }> = [];
  let count = 0;
  let steps = 0;
  let simulatedMs = 0;
  for (const seed of seeds) {
    count++;
    let result: ClusterSimulationResult;
    try {
      result = await runSimulation({ seed, strategies });
    } catch (e) {
      failures.push({ seed, error: e instanceof Error ? e : new Error(String(e)) });
      continue;
    }
    steps += result.steps;
    simulatedMs += result.simulatedMs;
  }
  return { seeds: count, failures, steps, simulatedMs };
}

/** A readable report of a sweep's failures: each seed's error, and the whole trace of the first. */
export function describeSweepFailures(result: SweepResult): string {
  const [first] = result.failures;
  if (!first) return '';
  const lines = result.failures.map((f) => `seed ${f.seed}: ${f.error.message.split('\n')[0]}`);
  const trace = (first.error as Error & { trace?: string }).trace;
  return `${result.failures.length} of ${result.seeds} seeds failed:\n${lines.join('\n')}\n\nTrace of seed ${first.seed}:\n${trace ?? first.error.stack}`;
}

/** 1..count */
export function seedRange(count: number, first = 1): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}
