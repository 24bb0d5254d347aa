/**
 * A slot thread loads what a job needs, not the cluster (docs/architecture.md, "Start-up"): the job's bundle
 * loads the DataStream API, and the slot's plugin container the stock plugins; none of them may load the
 * runtime's index (the MiniCluster and the JobManager's roles, ~400 modules), only `@flott/runtime/common`.
 * Checked from the built packages in a fresh node process, as a slot thread loads them.
 */
import { execFileSync } from 'node:child_process';
import { STOCK_PLUGINS } from '../distribution';
import { REPO_ROOT } from './run-cli';

function modulesAfterRequiring(specifiers: readonly string[]): { index: boolean; common: boolean; miniCluster: boolean; count: number } {
  const script = `
    for (const s of ${JSON.stringify(specifiers)}) require(s);
    const loaded = new Set(Object.keys(require.cache));
    const dist = require('path').dirname(require.resolve('@flott/runtime'));
    process.stdout.write(JSON.stringify({
      index: loaded.has(require.resolve('@flott/runtime')),
      common: loaded.has(require.resolve('@flott/runtime/common')),
      miniCluster: loaded.has(require('path').join(dist, 'minicluster', 'mini-cluster.js')),
      count: loaded.size,
    }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 })) as never;
}

describe('what a slot thread loads', () => {
  it('the DataStream API and the stock plugins load @flott/runtime/common, not the runtime index', () => {
    const slot = modulesAfterRequiring(['@flott/api-datastream', ...STOCK_PLUGINS]);
    expect(slot).toMatchObject({ index: false, common: true, miniCluster: false });
    // The CLI's side does load the index (it starts the MiniCluster): the check above can tell the two apart.
    const client = modulesAfterRequiring(['@flott/runtime']);
    expect(client).toMatchObject({ index: true, miniCluster: true });
    expect(slot.count).toBeLessThan(client.count);
  });
});
