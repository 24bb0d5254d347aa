/**
 * A job spread over two TaskManagers of one MiniCluster (minicluster.number-of-taskmanagers=2, one slot
 * each, parallelism 2) through the real `flott` binary: every keyBy shuffle between them goes over TCP on
 * loopback (their data servers), the rest as between slots of one TaskManager. The output must equal
 * the single-TaskManager result exactly, also with aligned and unaligned checkpoints and a failure mid-run
 * restored from the latest checkpoint.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { committedLines, expectedLines, FIXED_DELAY_RESTARTS, restoreMarkers, runCheckpointJob } from './checkpoint-job-results';
import { lastJsonLine, runFlott } from './run-cli';

const PIPELINES = 'packages/cli/test-jobs/pipelines.ts';
const TWO_TASK_MANAGERS = ['-D', 'minicluster.number-of-taskmanagers=2', '-D', 'taskmanager.numberOfTaskSlots=1'];

describe('a job on two TaskManagers exchanges data over TCP', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-two-tms-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const logOptions = () => ['-D', 'log.level=info', '-D', `log.file=${path.join(dir, 'flott.log')}`];
  const logLines = () =>
    fs.readFileSync(path.join(dir, 'flott.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; peerAddress?: string; dataAddress?: string });
  /** The `host:port` of every data connection a TaskManager opened to another (from the log). */
  const dataConnections = (): string[] => logLines().filter((l) => l.msg.startsWith('Opening a data connection to TaskManager')).map((l) => l.peerAddress!);
  /** The `host:port` of every slot thread's own data server (from the log). */
  const slotDataServers = (): string[] => logLines().filter((l) => l.msg.includes('serves its pipelined result partitions at')).map((l) => l.dataAddress!);

  it('a keyed rolling sum at parallelism 2 on two TaskManagers equals parallelism 1 on one', async () => {
    const args = [PIPELINES, '--case', 'keyed-rolling', '--n', '3000'];
    const one = await runFlott(['run', '-q', '-p', '1', ...args]);
    expect(one.code).toBe(0);
    const statsFile = path.join(dir, 'network-stats.json');
    const two = await runFlott(['run', '-q', '-p', '2', ...TWO_TASK_MANAGERS, ...logOptions(), '--network-stats', statsFile, ...args]);
    expect(two.code).toBe(0);
    const order = (a: [string, number], b: [string, number]) => a[0].localeCompare(b[0]) || a[1] - b[1];
    const expected = lastJsonLine<Array<[string, number]>>(one).sort(order);
    expect(expected).toHaveLength(3000);
    expect(lastJsonLine<Array<[string, number]>>(two).sort(order)).toEqual(expected);
    // Each TaskManager's sources feed the other's keyed subtask: one connection each way, from the consumer's slot
    // thread straight to the data server of the producer's slot thread (docs/network.md).
    const peers = dataConnections();
    expect(peers).toHaveLength(2);
    expect(new Set(peers).size).toBe(2);
    for (const p of peers) expect(p).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(slotDataServers()).toEqual(expect.arrayContaining(peers));
    // --network-stats samples both TaskManagers: every partition (`dataSet_subtask@attempt`) of both subtasks.
    const subtasksByDataSet = new Map<string, string[]>();
    for (const key of Object.keys(JSON.parse(fs.readFileSync(statsFile, 'utf8')) as Record<string, unknown>)) {
      const [, dataSet, subtask] = /^([0-9a-f]+)_(\d+)@/.exec(key)!;
      subtasksByDataSet.set(dataSet, [...(subtasksByDataSet.get(dataSet) ?? []), subtask].sort());
    }
    expect([...subtasksByDataSet.values()]).toEqual([['0', '1'], ['0', '1']]);
  });

  const run = (failAfter: number, extra: string[] = [], jobArgs: string[] = []) =>
    runCheckpointJob({ parallelism: 2, failAfter, out: dir, config: [...FIXED_DELAY_RESTARTS, ...extra, ...TWO_TASK_MANAGERS, ...logOptions()], jobArgs });

  it('with aligned checkpoints, a failure after 400 records restored from the latest checkpoint commits exactly the failure-free output', async () => {
    const r = await run(400);
    expect(r.code).toBe(0);
    expect(committedLines(dir)).toEqual(expectedLines());
    expect(restoreMarkers(dir).length).toBe(4);
    // One source subtask feeds both keyed subtasks: the TaskManager without it connects to the one with it (and
    // keeps the connection across the restart).
    expect(dataConnections()).toHaveLength(1);
  });

  it('a producer slot thread that dies mid-job comes back on the same data port; the job restores from the latest checkpoint and commits exactly the failure-free output', async () => {
    // The source's slot thread ends (process.exit in a worker); the other TaskManager's keyed subtask reads the
    // source's partition from that slot's own data server, and finds it at the same address after the restart.
    const r = await run(0, [], ['--exit-source-thread', '1500']);
    expect(r.code).toBe(0);
    expect(committedLines(dir)).toEqual(expectedLines());
    expect(restoreMarkers(dir).length).toBe(4);
    const messages = logLines().map((l) => l.msg);
    expect(messages.filter((m) => /^Slot 0 of TaskManager taskmanager-\S+ died \(exit code 7\)/.test(m))).toHaveLength(1);
    // The replacement listens where its predecessor did, so the JobMaster's address stays right: no slot is freed for it.
    const servers = slotDataServers();
    expect(servers).toHaveLength(3);
    expect(new Set(servers).size).toBe(2);
    expect(messages.filter((m) => m.includes('data server moved'))).toEqual([]);
    // The consumer connected again to the producer slot's server, at the same address.
    const peers = dataConnections();
    expect(peers).toHaveLength(2);
    expect(new Set(peers).size).toBe(1);
    expect(servers.filter((a) => a === peers[0])).toHaveLength(2);
  });

  it('with unaligned checkpoints (in-flight data of both TaskManagers\' channels stored), a failure restored from the latest checkpoint commits exactly the same', async () => {
    const r = await run(300, ['-D', 'execution.checkpointing.unaligned.enabled=true', '-D', 'taskmanager.memory.segment-size=256 b'], ['--parallel-source']);
    expect(r.code).toBe(0);
    expect(committedLines(dir)).toEqual(expectedLines(true));
    expect(restoreMarkers(dir).length).toBe(4);
    // Parallel sources: each TaskManager consumes from the other.
    expect(new Set(dataConnections()).size).toBe(2);
  });
});
