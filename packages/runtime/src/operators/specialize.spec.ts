import { copySource, specializeHotMethods } from './specialize';

class Scaler {
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
}

describe('specializeHotMethods', () => {
  it('gives each instance its own copy that behaves like the method', () => {
    const a = new Scaler(2);
    const b = new Scaler(3);
    expect(a.apply(5)).toBe(10);
    expect(b.apply(5)).toBe(15);
    expect(a.seen).toBe(1);
    expect(Object.prototype.hasOwnProperty.call(a, 'apply')).toBe(true);
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
    expect(() => specializeHotMethods({ x: 1 }, ['x'])).toThrow('no method x');
  });
});
