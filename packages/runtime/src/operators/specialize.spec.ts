import { SPECIALIZE_HOT_METHODS_ENV, copySource, hotMethodSpecializationEnabled } from './specialize';

type SpecializeModule = typeof import('./specialize');

/** Runs `fn` with the switch set to `value` (undefined: unset), then puts the environment back. */
function withSwitch<T>(value: string | undefined, fn: () => T): T {
  const saved = process.env[SPECIALIZE_HOT_METHODS_ENV];
  if (value === undefined) delete process.env[SPECIALIZE_HOT_METHODS_ENV];
  else process.env[SPECIALIZE_HOT_METHODS_ENV] = value;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env[SPECIALIZE_HOT_METHODS_ENV];
    else process.env[SPECIALIZE_HOT_METHODS_ENV] = saved;
  }
}

/** A fresh copy of the module, loaded with the switch set to `value`. */
function loadWithSwitch(value: string | undefined): SpecializeModule {
  let loaded: SpecializeModule | undefined;
  withSwitch(value, () =>
    jest.isolateModules(() => {
      loaded = require('./specialize') as SpecializeModule;
    }),
  );
  return loaded!;
}

function scalerClass({ specializeHotMethods }: SpecializeModule) {
  return class Scaler {
    factor: number;
    seen = 0;
    constructor(factor: number) {
      this.factor = factor;
      specializeHotMethods(this, ['apply']);
    }
    apply(x: number): number {
      this.seen++;
      return x * this.factor;
    }
  };
}

const own = (o: object, name: string) => Object.prototype.hasOwnProperty.call(o, name);

describe('specializeHotMethods', () => {
  // This file is not instrumented by coverage runs, so its methods compile alone even there.
  const Scaler = scalerClass(loadWithSwitch(undefined));

  it('gives each instance its own copy that behaves like the method', () => {
    const a = new Scaler(2);
    const b = new Scaler(3);
    expect(a.apply(5)).toBe(10);
    expect(b.apply(5)).toBe(15);
    expect(a.seen).toBe(1);
    expect(own(a, 'apply')).toBe(true);
    expect(a.apply).not.toBe(b.apply);
    expect(a.apply).not.toBe(Scaler.prototype.apply);
  });

  it('compiles every copy from distinct text, so V8 cannot share one compiled copy', () => {
    const method = Scaler.prototype.apply.toString();
    const first = copySource(method);
    const second = copySource(method);
    expect(first).not.toBe(second);
    expect(new Function(first)().call({ factor: 4, seen: 0 }, 2)).toBe(8);
  });

  it('refuses a name that is not a method', () => {
    const { specializeHotMethods } = loadWithSwitch(undefined);
    expect(() => specializeHotMethods({ x: 1 }, ['x'])).toThrow('no method x');
  });
});

describe(`the ${SPECIALIZE_HOT_METHODS_ENV} switch`, () => {
  it('is on when unset or true, off when false, and rejects anything else', () => {
    expect(hotMethodSpecializationEnabled({})).toBe(true);
    expect(hotMethodSpecializationEnabled({ [SPECIALIZE_HOT_METHODS_ENV]: 'true' })).toBe(true);
    expect(hotMethodSpecializationEnabled({ [SPECIALIZE_HOT_METHODS_ENV]: 'false' })).toBe(false);
    expect(() => hotMethodSpecializationEnabled({ [SPECIALIZE_HOT_METHODS_ENV]: 'no' })).toThrow(
      `${SPECIALIZE_HOT_METHODS_ENV} must be 'true' or 'false', not 'no'`,
    );
  });

  it('set to false leaves instances on the shared prototype method, still checking the names', () => {
    const off = loadWithSwitch('false');
    const Scaler = scalerClass(off);
    const a = new Scaler(2);
    expect(a.apply(5)).toBe(10);
    expect(own(a, 'apply')).toBe(false);
    expect(a.apply).toBe(Scaler.prototype.apply);
    expect(() => off.specializeHotMethods({ x: 1 }, ['x'])).toThrow('no method x');
  });

  it('is read once, when the module loads', () => {
    const on = loadWithSwitch('true');
    expect(withSwitch('false', () => own(new (scalerClass(on))(1), 'apply'))).toBe(true);
  });
});
