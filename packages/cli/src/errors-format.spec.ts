import { ConfigurationError, deserializeError, FlottError, serializeError } from '@flott/core';
import { formatError } from './errors-format';

describe('formatError', () => {
  it('prints an invalid configuration as its message only', () => {
    const e = new ConfigurationError("Invalid configuration (1 problem):\n  - Invalid value \"x\" for 'a.b' (-D): expected an integer");
    expect(formatError(e)).toBe("Error: Invalid configuration (1 problem):\n  - Invalid value \"x\" for 'a.b' (-D): expected an integer");
  });

  it("prints the cause chain and the root cause's stack frames", () => {
    const root = new TypeError('x is not a function');
    const e = new FlottError('JOB_FAILED', 'Job failed: x is not a function', {}, { cause: root });
    const lines = formatError(e).split('\n');
    expect(lines[0]).toBe('Error: Job failed');
    expect(lines[1]).toBe('Caused by: TypeError: x is not a function');
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(2).every((l) => /^\s+at /.test(l))).toBe(true);
  });

  it('names the class of an error a task threw, as it arrives from another thread, and not Flott\'s own classes', () => {
    class PriceOutOfRange extends Error {
      override name = 'PriceOutOfRange';
    }
    const user = new PriceOutOfRange('price 2 out of range');
    const task = new FlottError('TASK_FAILED', 'Task Map (1/1) failed', {}, { cause: user });
    // The way it reaches the CLI: serialized in the slot thread, rebuilt in the client (an unknown class is a RemoteError).
    const arrived = deserializeError(serializeError(new FlottError('JOB_FAILED', 'Job failed', {}, { cause: task })));
    const lines = formatError(arrived).split('\n');
    expect(lines.slice(0, 3)).toEqual(['Error: Job failed', 'Caused by: Task Map (1/1) failed', 'Caused by: PriceOutOfRange: price 2 out of range']);
    expect(lines[3]).toMatch(/^\s+at /);
  });

  it('names a builtin error class on the first line too', () => {
    expect(formatError(new RangeError('Invalid array length')).split('\n')[0]).toBe('RangeError: Invalid array length');
    expect(formatError(new Error('plain')).split('\n')[0]).toBe('Error: plain');
  });
});
