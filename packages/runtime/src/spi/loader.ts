import type { Container } from 'inversify';
import { UnknownImplementationError } from '@flott/core';

interface NamedFactory {
  readonly name: string;
  readonly aliases?: readonly string[];
}

/**
 * One loader per SPI: picks the factory whose `name` (or alias) matches the configured value, from
 * all factories plugin modules bound to the SPI's symbol. Fails with an error listing known names.
 */
export class SpiLoader<F extends NamedFactory> {
  constructor(
    readonly spi: string,
    readonly configKey: string,
    private readonly factories: readonly F[],
  ) {}

  static fromContainer<F extends NamedFactory>(container: Container, token: symbol, spi: string, configKey: string): SpiLoader<F> {
    const factories = container.isBound(token) ? container.getAll<F>(token) : [];
    return new SpiLoader<F>(spi, configKey, factories);
  }

  knownNames(): string[] {
    return this.factories.map((f) => f.name).sort();
  }

  load(name: string): F {
    const wanted = name.trim().toLowerCase();
    const found = this.factories.find((f) => f.name === wanted || (f.aliases ?? []).includes(wanted));
    if (!found) throw new UnknownImplementationError(this.spi, this.configKey, name, this.knownNames());
    return found;
  }
}
