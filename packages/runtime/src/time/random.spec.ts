import { SeededRandom, SystemRandom } from './random';

describe('SeededRandom', () => {
  const draw = (random: { nextDouble(): number }, n: number): number[] => Array.from({ length: n }, () => random.nextDouble());

  it('repeats its sequence for the same seed and differs for another', () => {
    expect(draw(new SeededRandom(42), 20)).toEqual(draw(new SeededRandom(42), 20));
    expect(draw(new SeededRandom(42), 20)).not.toEqual(draw(new SeededRandom(43), 20));
  });

  it('stays in [0, 1) and spreads over it, seed 0 included', () => {
    for (const seed of [0, 1, -7, 2 ** 40]) {
      const values = draw(new SeededRandom(seed), 10_000);
      for (const v of values) expect(v >= 0 && v < 1).toBe(true);
      const deciles = new Array<number>(10).fill(0);
      for (const v of values) deciles[Math.floor(v * 10)]++;
      for (const count of deciles) expect(count).toBeGreaterThan(800);
    }
  });
});

describe('SystemRandom', () => {
  it('gives numbers in [0, 1)', () => {
    const random = new SystemRandom();
    for (let i = 0; i < 100; i++) {
      const v = random.nextDouble();
      expect(v >= 0 && v < 1).toBe(true);
    }
  });
});
