import { ConfigOptions } from './config-option';
import { Configuration } from './configuration';

describe('ConfigOptions.double', () => {
  const factor = ConfigOptions.double('acme.factor', { defaultValue: 1.5, greaterThan: 1, max: 10, description: 'A factor.' });

  it('parses numbers from strings and YAML numbers', () => {
    expect(Configuration.fromRecord({ 'acme.factor': ' 2.25 ' }).get(factor)).toBe(2.25);
    expect(Configuration.fromRecord({ 'acme.factor': 3 }).get(factor)).toBe(3);
    expect(new Configuration().get(factor)).toBe(1.5);
    expect(factor.typeName).toBe('Double');
  });

  it.each(['1', '0.5', '11', 'fast', '', 'Infinity'])('rejects %j, naming the bounds', (value) => {
    expect(() => Configuration.fromRecord({ 'acme.factor': value }).get(factor)).toThrow(
      `Invalid value ${JSON.stringify(value)} for 'acme.factor': expected a number > 1 and <= 10`,
    );
  });

  it('accepts an inclusive range', () => {
    const share = ConfigOptions.double('acme.share', { defaultValue: 0.1, min: 0, max: 1, description: '' });
    expect(Configuration.fromRecord({ 'acme.share': '0' }).get(share)).toBe(0);
    expect(Configuration.fromRecord({ 'acme.share': '1' }).get(share)).toBe(1);
    expect(share.allowed).toBe('a number >= 0 and <= 1');
  });
});

describe('options without a default', () => {
  it('optionalImplementationName reads as undefined when unset and normalises a set name', () => {
    const type = ConfigOptions.optionalImplementationName('acme.type', ['a', 'b'], { description: '', deprecatedKeys: ['acme'] });
    expect(type.defaultValue).toBeUndefined();
    expect(type.possibleValues).toEqual(['a', 'b']);
    expect(new Configuration().get(type)).toBeUndefined();
    expect(new Configuration().contains(type)).toBe(false);
    expect(Configuration.fromRecord({ acme: ' B ' }).get(type)).toBe('b');
    expect(() => Configuration.fromRecord({ 'acme.type': '' }).get(type)).toThrow("for 'acme.type'");
  });

  it('optionalDurationMs reads as undefined when unset and parses durations', () => {
    const interval = ConfigOptions.optionalDurationMs('acme.interval', { description: '' });
    expect(new Configuration().get(interval)).toBeUndefined();
    expect(Configuration.fromRecord({ 'acme.interval': '10 s' }).get(interval)).toBe(10_000);
    expect(() => Configuration.fromRecord({ 'acme.interval': 'soon' }).get(interval)).toThrow("for 'acme.interval'");
  });
});

describe('ConfigOptions.enumOf', () => {
  it('matches a value ignoring case and blanks and reads it as spelled in the option (upper- and lower-case values)', () => {
    const mode = ConfigOptions.enumOf('acme.mode', ['EXACTLY_ONCE', 'AT_LEAST_ONCE'] as const, { defaultValue: 'EXACTLY_ONCE', description: '' });
    const level = ConfigOptions.enumOf('acme.level', ['info', 'warn'] as const, { defaultValue: 'info', description: '' });
    expect(Configuration.fromRecord({ 'acme.mode': 'AT_LEAST_ONCE' }).get(mode)).toBe('AT_LEAST_ONCE');
    expect(Configuration.fromRecord({ 'acme.mode': ' at_least_once ' }).get(mode)).toBe('AT_LEAST_ONCE');
    expect(new Configuration().set(mode, 'EXACTLY_ONCE').get(mode)).toBe('EXACTLY_ONCE');
    expect(Configuration.fromRecord({ 'acme.level': 'WARN' }).get(level)).toBe('warn');
    expect(() => Configuration.fromRecord({ 'acme.mode': 'ONCE' }).get(mode)).toThrow(
      `Invalid value "ONCE" for 'acme.mode': expected one of: EXACTLY_ONCE, AT_LEAST_ONCE`,
    );
  });
});

describe('Configuration.addAll', () => {
  it("layers the other configuration's entries on top, in place, keeping entries it does not override", () => {
    const parallelism = ConfigOptions.int('acme.parallelism', { defaultValue: 1, min: 1, description: '' });
    const base = Configuration.fromRecord({ 'acme.parallelism': 2, 'acme.other': 'x' });
    expect(base.addAll(Configuration.fromRecord({ 'acme.parallelism': '4' }))).toBe(base);
    expect(base.get(parallelism)).toBe(4);
    expect(base.toRecord()).toEqual({ 'acme.parallelism': '4', 'acme.other': 'x' });
  });
});

describe('what each option type accepts and rejects', () => {
  const read = <T>(option: { key: string } & Parameters<Configuration['get']>[0], raw: unknown): T =>
    Configuration.fromRecord({ [option.key]: raw }).get(option) as T;

  it('int: whole numbers within the bounds, from strings or numbers', () => {
    const slots = ConfigOptions.int('acme.slots', { defaultValue: 1, min: 1, max: 8, description: '' });
    expect(read(slots, ' 8 ')).toBe(8);
    expect(read(slots, 1)).toBe(1);
    expect(slots.allowed).toBe('an integer from 1 to 8');
    for (const bad of ['0', '9', '1.5', 2.5, 'two', '', true, null]) {
      expect(() => read(slots, bad)).toThrow(`Invalid value ${JSON.stringify(bad)} for 'acme.slots': expected an integer from 1 to 8`);
    }
    const anyInt = ConfigOptions.int('acme.any', { defaultValue: 0, description: '' });
    expect(read(anyInt, '-12')).toBe(-12);
    expect(() => read(anyInt, String(2 ** 60))).toThrow('expected an integer');
  });

  it('bool: true or false in any case, from strings or booleans', () => {
    const flag = ConfigOptions.bool('acme.flag', { defaultValue: false, description: '' });
    expect(read(flag, ' TRUE ')).toBe(true);
    expect(read(flag, 'false')).toBe(false);
    expect(read(flag, true)).toBe(true);
    for (const bad of ['yes', '1', 1, '']) expect(() => read(flag, bad)).toThrow('expected true or false');
  });

  it('string and stringList: text, and lists from YAML lists or a;b / a,b', () => {
    const name = ConfigOptions.string('acme.name', { defaultValue: 'x', description: '' });
    expect(read(name, ' a b ')).toBe(' a b ');
    expect(() => read(name, 3)).toThrow('expected a string');
    const list = ConfigOptions.stringList('acme.list', { defaultValue: [], description: '' });
    expect(read(list, 'a; b,c')).toEqual(['a', 'b', 'c']);
    expect(read(list, ['a', 1, true])).toEqual(['a', '1', 'true']);
    expect(() => read(list, [{ a: 1 }])).toThrow("for 'acme.list'");
    const opt = ConfigOptions.optionalString('acme.opt', { description: '' });
    expect(new Configuration().get(opt)).toBeUndefined();
    expect(read(opt, 'v')).toBe('v');
  });

  it('implementationName: a non-empty name, trimmed and lower-cased', () => {
    const type = ConfigOptions.implementationName('acme.type', ['full'], { defaultValue: 'full', description: '' });
    expect(read(type, ' Region ')).toBe('region');
    for (const bad of ['', '   ', 5]) expect(() => read(type, bad)).toThrow("for 'acme.type'");
  });

  it('durationMs and memoryBytes: units or bare numbers, never negative; memory as a whole number of bytes above its minimum', () => {
    const timeout = ConfigOptions.durationMs('acme.timeout', { defaultValue: 0, description: '' });
    expect(read(timeout, '1 min')).toBe(60_000);
    expect(read(timeout, 250)).toBe(250);
    for (const bad of [-1, 'soon', '']) expect(() => read(timeout, bad)).toThrow("for 'acme.timeout'");
    const size = ConfigOptions.memoryBytes('acme.size', { defaultValue: 1024, min: 1024, description: '' });
    expect(read(size, '64 kb')).toBe(65_536);
    expect(read(size, 2048)).toBe(2048);
    for (const bad of ['1 b', 1023, 1024.5, 'big']) expect(() => read(size, bad)).toThrow("for 'acme.size'");
  });
});
