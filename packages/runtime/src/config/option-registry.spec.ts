import { ConfigurationError, ConfigOptions } from '@flott/core';
import { OptionRegistry } from './option-registry';
import { ALL_OPTION_GROUPS, CoreOptions, StateOptions } from './options';

describe('OptionRegistry', () => {
  it('starts with every built-in option, grouped as ALL_OPTION_GROUPS', () => {
    const registry = new OptionRegistry();
    const expected = Object.values(ALL_OPTION_GROUPS).flatMap((g) => Object.values(g));
    expect(registry.all()).toEqual(expected);
    expect(registry.groupEntries().map(([name]) => name)).toEqual(Object.keys(ALL_OPTION_GROUPS));
    expect(new OptionRegistry({ builtIn: false }).all()).toEqual([]);
  });

  it('finds options by current and deprecated key', () => {
    const registry = new OptionRegistry();
    expect(registry.find('state.backend.type')).toBe(StateOptions.STATE_BACKEND);
    expect(registry.find('state.backend')).toBe(StateOptions.STATE_BACKEND);
    expect(registry.find('execution.buffer-timeout')).toBe(CoreOptions.BUFFER_TIMEOUT);
    expect(registry.find('no.such.key')).toBeUndefined();
    expect(registry.groupOf('state.backend')).toBe('State');
    expect(registry.knownKeys()).toContain('pipeline.operator-chaining');
  });

  it('adds plugin options under their group, from a record or a list', () => {
    const a = ConfigOptions.int('acme.a', { defaultValue: 1, description: 'A.' });
    const b = ConfigOptions.bool('acme.b', { defaultValue: false, description: 'B.', deprecatedKeys: ['acme.old-b'] });
    const registry = new OptionRegistry({ builtIn: false }).register('Acme', { A: a }).register('Acme', [b]);
    expect(registry.groupEntries()).toEqual([['Acme', [a, b]]]);
    expect(registry.find('acme.old-b')).toBe(b);
  });

  it('ignores the same option registered twice but rejects a second option with a taken key', () => {
    const a = ConfigOptions.int('acme.a', { defaultValue: 1, description: 'A.' });
    const registry = new OptionRegistry({ builtIn: false }).register('Acme', [a]).register('Acme', [a]);
    expect(registry.all()).toEqual([a]);
    const clash = ConfigOptions.string('other', { defaultValue: '', description: '', deprecatedKeys: ['acme.a'] });
    expect(() => registry.register('Other', [clash])).toThrow(
      new ConfigurationError("Configuration key 'acme.a' is registered twice (groups 'Acme' and 'Other')"),
    );
    expect(registry.find('other')).toBeUndefined();
    expect(() => new OptionRegistry().register('Mine', [ConfigOptions.int('parallelism.default', { defaultValue: 2, description: '' })])).toThrow(
      "Configuration key 'parallelism.default' is registered twice (groups 'Core' and 'Mine')",
    );
  });

  it('claims key prefixes for plugins', () => {
    const registry = new OptionRegistry().registerPrefix('kubernetes.', 'rm-kubernetes').registerPrefix('yarn.');
    expect(registry.isClaimed('kubernetes.namespace')).toBe(true);
    expect(registry.isClaimed('kubernetes')).toBe(false);
    expect(registry.isClaimed('yarn.application.name')).toBe(true);
    expect(registry.isClaimed('parallelism.default')).toBe(false);
    expect(registry.prefixes()).toEqual([['kubernetes.', 'rm-kubernetes'], ['yarn.', 'yarn.']]);
    expect(() => registry.registerPrefix('')).toThrow('A claimed configuration key prefix must not be empty');
  });
});
