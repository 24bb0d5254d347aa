import { FlottError } from '@flott/core';
import type { Clock } from '@flott/core';

/**
 * The event trace of one simulated run: one line per event (`<simulated ms> <what>`), in the order
 * the events happened. A seed reproduces its run, so the same seed gives the same trace byte for
 * byte; the trace is what a failing seed prints.
 */
export class SimulationTrace {
  private readonly lines: string[] = [];

  constructor(private readonly clock: Clock) {}

  record(event: string): void {
    this.lines.push(`${this.clock.currentTimeMillis()} ${event}`);
  }

  get length(): number {
    return this.lines.length;
  }

  /** Every line, joined with newlines. */
  format(): string {
    return this.lines.join('\n');
  }

  /** The last `count` lines (what an error message shows; the whole trace is in the error's `trace`). */
  tail(count: number): string {
    return this.lines.slice(-count).join('\n');
  }
}

/** How many trace lines an error message carries; the full trace is on the error. */
const MESSAGE_TRACE_LINES = 60;

/** A broken invariant of a simulated run: the seed reproduces it, the trace shows how it came about. */
export class SimulationInvariantError extends FlottError {
  readonly trace: string;

  constructor(seed: number, invariant: string, trace: SimulationTrace) {
    super(
      'SIMULATION_INVARIANT_VIOLATED',
      `Simulation seed ${seed} broke an invariant: ${invariant}\n` +
        `Replay it with FLOTT_SIM_SEED=${seed} (prints the whole trace of ${trace.length} events). Last events:\n${trace.tail(MESSAGE_TRACE_LINES)}`,
      { seed, invariant },
    );
    this.trace = trace.format();
  }
}

/**
 * A run that broke no invariant but did not finish within its bound of simulated time, although
 * every fault it saw is one the system promises to survive: a liveness finding, never hidden.
 */
export class SimulationStuckError extends FlottError {
  readonly trace: string;

  constructor(seed: number, boundMs: number, state: string, trace: SimulationTrace) {
    super(
      'SIMULATION_STUCK',
      `Simulation seed ${seed} did not finish within ${boundMs} ms of simulated time (${state}).\n` +
        `Replay it with FLOTT_SIM_SEED=${seed}. Last events:\n${trace.tail(MESSAGE_TRACE_LINES)}`,
      { seed, boundMs, state },
    );
    this.trace = trace.format();
  }
}
