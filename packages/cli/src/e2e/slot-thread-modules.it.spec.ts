/**
 * A slot thread loads what a job needs, not the cluster (docs/architecture.md, "Start-up"): the job's bundle
 * loads the DataStream API, and the slot's plugin container the stock plugins; none of them may run the
 * runtime's index (the MiniCluster and the JobManager's roles), only `@flott/runtime/common`. Checked from the
 * built packages in a fresh node process, as a slot thread loads them. The index's modules are in the runtime's
 * one bundle either way (scripts/bundle-package.js); what tells whether the index ran is what it does when it
 * runs: it registers the runtime's error classes, so a JobNotFoundError that crossed a thread arrives as itself.
 */
import { execFileSync } from 'node:child_process';
import { STOCK_PLUGINS } from '../distribution';
import { REPO_ROOT } from './run-cli';

function afterRequiring(specifiers: readonly string[]): { indexRan: boolean } {
  const script = `
    for (const s of ${JSON.stringify(specifiers)}) require(s);
    const { deserializeError, serializeError } = require('@flott/core');
    const { JobNotFoundError } = require('@flott/runtime/common');
    const crossed = deserializeError(JSON.parse(JSON.stringify(serializeError(new JobNotFoundError('j1')))));
    process.stdout.write(JSON.stringify({ indexRan: crossed instanceof JobNotFoundError }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 })) as never;
}

describe('what a slot thread loads', () => {
  it('the DataStream API and the stock plugins load @flott/runtime/common, and the runtime index does not run', () => {
    const slot = afterRequiring(['@flott/api-datastream', ...STOCK_PLUGINS]);
    expect(slot.indexRan).toBe(false);
    // The CLI's side runs the index (it starts the MiniCluster): the check above can tell the two apart.
    const client = afterRequiring(['@flott/runtime']);
    expect(client.indexRan).toBe(true);
  });

  it('loads each Flott package as one file: a thread reads its bundle, not its hundreds of modules', () => {
    const script = `
      for (const s of ${JSON.stringify(['@flott/api-datastream', ...STOCK_PLUGINS])}) require(s);
      const flott = Object.keys(require.cache).filter((f) => /packages[\\\\/][a-z-]+[\\\\/]dist[\\\\/]/.test(f) && !/node_modules/.test(f));
      process.stdout.write(JSON.stringify(flott.map((f) => f.replace(/.*packages[\\\\/]/, '').replace(/\\\\/g, '/')).sort()));`;
    const files = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 })) as string[];
    expect(files.every((f) => /^[a-z-]+\/dist\/bundle\/[a-z-]+\.js$/.test(f))).toBe(true);
    expect(files).toEqual(expect.arrayContaining(['runtime/dist/bundle/package.js', 'runtime/dist/bundle/common.js', 'api-datastream/dist/bundle/package.js']));
  });
});
