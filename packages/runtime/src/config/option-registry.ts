import { ConfigurationError, type ConfigOption } from '@flott/core';
import { ALL_OPTION_GROUPS } from './options';

export type OptionGroup = Readonly<Record<string, ConfigOption<unknown>>> | readonly ConfigOption<unknown>[];

/**
 * Every configuration key the loader accepts: the runtime's own groups, plus what plugins register
 * before the configuration is loaded (their options, and key prefixes they parse themselves, such as
 * `kubernetes.`). A fresh registry already holds {@link ALL_OPTION_GROUPS}. Not thread-safe by design:
 * it is filled once while a process composes its distribution, then only read.
 */
export class OptionRegistry {
  private readonly groups = new Map<string, ConfigOption<unknown>[]>();
  /** Current and deprecated keys to their option. */
  private readonly byKey = new Map<string, { option: ConfigOption<unknown>; group: string }>();
  private readonly claimedPrefixes = new Map<string, string>();

  constructor(options: { builtIn?: boolean } = {}) {
    if (options.builtIn ?? true) {
      for (const [group, opts] of Object.entries(ALL_OPTION_GROUPS)) this.register(group, opts);
    }
  }

  /**
   * Adds options under a group (a docs section). Registering the same option object again is a
   * no-op, so a plugin module loaded twice is harmless; a different option with a taken key fails,
   * because two meanings for one key would make the file ambiguous.
   */
  register(groupName: string, options: OptionGroup): this {
    const list = Array.isArray(options) ? options : Object.values(options);
    for (const option of list as readonly ConfigOption<unknown>[]) {
      const clash = [option.key, ...option.deprecatedKeys].find((k) => {
        const existing = this.byKey.get(k);
        return existing !== undefined && existing.option !== option;
      });
      if (clash !== undefined) {
        const other = this.byKey.get(clash);
        throw new ConfigurationError(
          `Configuration key '${clash}' is registered twice (groups '${other?.group}' and '${groupName}')`,
          { key: clash, groups: [other?.group, groupName] },
        );
      }
      if (this.byKey.has(option.key)) continue;
      for (const k of [option.key, ...option.deprecatedKeys]) this.byKey.set(k, { option, group: groupName });
      const group = this.groups.get(groupName) ?? [];
      group.push(option);
      this.groups.set(groupName, group);
    }
    return this;
  }

  /** Accepts every key starting with `prefix` as a raw string; the plugin that claims it validates it. */
  registerPrefix(prefix: string, owner = prefix): this {
    if (prefix.length === 0) throw new ConfigurationError('A claimed configuration key prefix must not be empty', { prefix });
    this.claimedPrefixes.set(prefix, owner);
    return this;
  }

  /** The option with this key or deprecated key. */
  find(key: string): ConfigOption<unknown> | undefined {
    return this.byKey.get(key)?.option;
  }

  /** The group an option (by any of its keys) was registered under. */
  groupOf(key: string): string | undefined {
    return this.byKey.get(key)?.group;
  }

  /** Whether a key falls under a prefix a plugin claimed. */
  isClaimed(key: string): boolean {
    for (const prefix of this.claimedPrefixes.keys()) if (key.startsWith(prefix)) return true;
    return false;
  }

  all(): ConfigOption<unknown>[] {
    return [...this.groups.values()].flat();
  }

  /** Groups in registration order, options in registration order within a group. */
  groupEntries(): Array<[string, readonly ConfigOption<unknown>[]]> {
    return [...this.groups.entries()].map(([name, opts]) => [name, [...opts]]);
  }

  /** Claimed prefixes and who claimed them, in registration order. */
  prefixes(): Array<[string, string]> {
    return [...this.claimedPrefixes.entries()];
  }

  /** Every key a user may write: current and deprecated (for suggestions). */
  knownKeys(): string[] {
    return [...this.byKey.keys()];
  }
}
