/**
 * Randomness comes from this injected service in core code (DESIGN.md §9), never from `Math.random`
 * directly, so a test or the simulator can replay a run from a seed.
 */
export interface Random {
  /** A uniformly distributed number in [0, 1). */
  nextDouble(): number;
}
export const Random = Symbol.for('flott.Random');

/** The process's own randomness, for production wiring. */
export class SystemRandom implements Random {
  nextDouble(): number {
    return Math.random();
  }
}

/**
 * A reproducible sequence from a seed (Marsaglia's xorshift32): the same seed gives the same numbers
 * on every run. Not for anything that must be unpredictable.
 */
export class SeededRandom implements Random {
  private state: number;

  constructor(seed: number) {
    // xorshift never leaves the all-zero state, so seed 0 maps to a fixed non-zero one.
    this.state = seed | 0 || 0x9e3779b9;
  }

  nextDouble(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x;
    return (x >>> 0) / 0x1_0000_0000;
  }
}
