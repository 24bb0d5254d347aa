/**
 * Region failover on a cluster of real processes (jobmanager.execution.failover-strategy: region): a
 * job of two disconnected pipelines, one of whose keyed functions throws once. Only the failed
 * pipeline's tasks restart (new attempts, restored from the latest checkpoint); the other pipeline's
 * tasks keep running in their first attempt, as the REST API reports; both pipelines' exactly-once
 * output equals what a failure-free run commits. With `full`, the same failure restarts both.
 */
import * as path from 'node:path';
import { committedLines, expectedLines, FIXED_DELAY_RESTARTS } from './checkpoint-job-results';
import { useTemporaryDirectory } from '@flott/runtime/testing';
import { LocalCluster } from './local-cluster';
import { runFlott } from './run-cli';

const TWO_PIPELINES = 'packages/cli/test-jobs/two-pipelines.ts';
const SUBMITTED = /Job has been submitted with JobID ([0-9a-f]{32})/;

type VertexAttempts = Awaited<ReturnType<LocalCluster['vertexAttempts']>>[number];

/** The attempt numbers of every subtask of pipeline `name`'s vertices (their names carry "a: " or "b: "). */
const attemptsOfPipeline = (vertices: readonly VertexAttempts[], name: string) => vertices.filter((v) => v.name.includes(`${name}: `)).flatMap((v) => v.attempts);

describe('region failover with TaskManager processes', () => {
  const cluster = new LocalCluster(['-D', 'taskmanager.numberOfTaskSlots=1']);
  const dir = useTemporaryDirectory('flott-region-');
  beforeAll(() => cluster.start(2), 120_000);
  afterAll(() => cluster.kill(), 30_000);

  const run = async (strategy: 'region' | 'full') => {
    const r = await runFlott(
      [
        'run', ...cluster.m, '-p', '2',
        '-D', `jobmanager.execution.failover-strategy=${strategy}`,
        '-D', 'execution.checkpointing.interval=100 ms',
        ...FIXED_DELAY_RESTARTS,
        TWO_PIPELINES, '--n', '4000', '--rate', '2000', '--fail', 'b', '--fail-after', '300', '--out', dir(),
      ],
      180_000,
    );
    expect([r.code, r.stderr]).toEqual([0, expect.stringMatching(SUBMITTED)]);
    // Both pipelines committed exactly what a failure-free run commits.
    for (const pipeline of ['a', 'b']) expect({ pipeline, lines: committedLines(path.join(dir(), pipeline)) }).toEqual({ pipeline, lines: expectedLines() });
    const vertices = await cluster.vertexAttempts(SUBMITTED.exec(r.stderr)![1]);
    expect(attemptsOfPipeline(vertices, 'a').length).toBeGreaterThan(0);
    expect(attemptsOfPipeline(vertices, 'a').length + attemptsOfPipeline(vertices, 'b').length).toBe(vertices.flatMap((v) => v.attempts).length);
    return { a: attemptsOfPipeline(vertices, 'a'), b: attemptsOfPipeline(vertices, 'b') };
  };

  it('restarts only the failed pipeline: the other keeps its first attempts, and both outputs are exact', async () => {
    const { a, b } = await run('region');
    expect(a.every((attempt) => attempt === 0)).toBe(true);
    // Every task of pipeline b restarted once (the generator, the keyed functions, the windows, the sinks).
    expect(b.every((attempt) => attempt === 1)).toBe(true);
  }, 240_000);

  it('with full, the same failure restarts both pipelines', async () => {
    const { a, b } = await run('full');
    expect([...a, ...b].every((attempt) => attempt === 1)).toBe(true);
  }, 240_000);
});
