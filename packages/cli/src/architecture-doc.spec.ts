import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../../..');

describe('docs/architecture.md', () => {
  it("draws the packages as their package.json files say (regenerate with `node scripts/architecture.js`)", () => {
    const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/architecture.js'), '--check'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
