import { ConfigurationError, FlottError } from '@flott/core';
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
    expect(lines[1]).toBe('Caused by: x is not a function');
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(2).every((l) => /^\s+at /.test(l))).toBe(true);
  });
});
