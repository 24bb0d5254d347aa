import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT, runExample } from '../run-example';

describe('custom distribution', () => {
  it("runs a job with the distribution's own linear-delay restart strategy", () => {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'examples/custom-distribution/flott-custom.js'), 'examples/custom-distribution/flaky-job.ts'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('[2,4,6,8]');
    // The delay grew by the increment between the two restarts.
    expect(r.stderr).toMatch(/linear-delay: restart 1 after 20 ms \(.*attempt 0\)/);
    expect(r.stderr).toMatch(/linear-delay: restart 2 after 40 ms \(.*attempt 1\)/);
  });

  it('the stock distribution (fixed-delay, 1 restart) gives up on the same job', () => {
    const r = runExample(['-D', 'restart-strategy.type=fixed-delay', '-D', 'restart-strategy.fixed-delay.delay=10 ms', 'examples/custom-distribution/flaky-job.ts']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('flaky dependency unavailable (attempt 1)');
  });
});
