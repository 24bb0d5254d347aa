import { RandomIdGenerator, SystemIdGenerator } from './ids';
import { SeededRandom } from './random';

describe('IdGenerator', () => {
  const draw = (ids: { nextId(): string }, n: number): string[] => Array.from({ length: n }, () => ids.nextId());

  it('SystemIdGenerator gives 32 hex characters, never the same twice', () => {
    const ids = draw(new SystemIdGenerator(), 1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('RandomIdGenerator repeats its ids for the same seed, differs for another, and keeps the shape', () => {
    expect(draw(new RandomIdGenerator(new SeededRandom(42)), 50)).toEqual(draw(new RandomIdGenerator(new SeededRandom(42)), 50));
    expect(draw(new RandomIdGenerator(new SeededRandom(42)), 50)).not.toEqual(draw(new RandomIdGenerator(new SeededRandom(43)), 50));
    const ids = draw(new RandomIdGenerator(new SeededRandom(7)), 10_000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('pads small draws to full width', () => {
    const zeros = new RandomIdGenerator({ nextDouble: () => 0 });
    expect(zeros.nextId()).toBe('0'.repeat(32));
    const almostOne = new RandomIdGenerator({ nextDouble: () => 0.9999999999 });
    expect(almostOne.nextId()).toBe('f'.repeat(32));
  });
});
