import { randomBytes } from 'node:crypto';
import type { Random } from './random';

/**
 * Makes the unique ids the runtime hands out (job ids, slot allocation ids, resource ids): 32 lower-case
 * hex characters (128 bits). Injected like the Clock and Random (DESIGN.md §9), so a test or the simulator
 * gets the same ids from the same seed. Called on the caller's event loop; ids never repeat in practice.
 */
export interface IdGenerator {
  nextId(): string;
}
export const IdGenerator = Symbol.for('flott.IdGenerator');

/** The process's own randomness (crypto), for production wiring. */
export class SystemIdGenerator implements IdGenerator {
  nextId(): string {
    return randomBytes(16).toString('hex');
  }
}

/** Ids drawn from a Random: a SeededRandom gives the same ids on every run. Not for secrets. */
export class RandomIdGenerator implements IdGenerator {
  constructor(private readonly random: Random) {}

  nextId(): string {
    let id = '';
    for (let i = 0; i < 4; i++) id += Math.floor(this.random.nextDouble() * 0x1_0000_0000).toString(16).padStart(8, '0');
    return id;
  }
}
