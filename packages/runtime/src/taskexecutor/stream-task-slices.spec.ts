import { ExecutionState as E } from '../execution/execution-state';
import { StreamGraph } from '../graph/stream-graph';
import { AbstractStreamOperator } from '../operators/abstract-stream-operator';
import type { OneInputStreamOperator, StreamOperator } from '../operators/stream-operator';
import { testingDeploymentDescriptors } from '../testing/testing-deployment';
import { TestingSourceOperator } from '../testing/testing-stream-operators';
import { TestingTaskEnvironment } from '../testing/testing-task-environment';
import { StreamTask } from './stream-task';

/**
 * Takes `millisPerRecord` of the task's clock per record and measures the longest run of records it
 * gets without the event loop turning (a turn resets the run).
 */
class SlowOperator extends AbstractStreamOperator<never> implements OneInputStreamOperator<number, never> {
  taken = 0;
  longestRun = 0;
  private run = 0;
  private turnPending = false;

  constructor(private readonly advance: () => void) {
    super();
  }

  processElement(): void {
    this.advance();
    this.taken++;
    if (!this.turnPending) {
      this.turnPending = true;
      setImmediate(() => {
        this.turnPending = false;
        this.run = 0;
      });
    }
    this.longestRun = Math.max(this.longestRun, ++this.run);
  }

  processWatermark(): void {}
}

async function runPipeline(millisPerRecord: number, records: number): Promise<SlowOperator> {
  const env = new TestingTaskEnvironment();
  const values = Array.from({ length: records }, (_, i) => i);
  const source = new TestingSourceOperator<number>('source', values);
  const slow = new SlowOperator(() => env.clock.advance(millisPerRecord));
  const graph = new StreamGraph('slices', { parallelism: 1, maxParallelism: -1, bufferTimeoutMs: 100, runtimeMode: 'STREAMING', chainingEnabled: true });
  const common = { parallelism: 1, nonParallel: false, maxParallelism: -1 };
  const s = graph.addNode({ ...common, name: 'Source', kind: 'Source', chainingStrategy: 'HEAD', isSource: true, operatorFactory: () => source as StreamOperator<unknown> });
  const o = graph.addNode({ ...common, name: 'Slow', kind: 'Slow', chainingStrategy: 'NEVER', isSource: false, operatorFactory: () => slow as StreamOperator<unknown> });
  graph.addEdge(s.id, o.id, { kind: 'forward' });
  const tdds = testingDeploymentDescriptors(graph);
  await Promise.all(tdds.map((tdd) => new StreamTask(tdd, graph, env).run()));
  expect(env.statesOf(tdds[1].attemptId).at(-1)).toBe(E.FINISHED);
  return slow;
}

describe('StreamTask slices', () => {
  it('lets the event loop turn after a few milliseconds of slow records, not after thousands of them', async () => {
    const slow = await runPipeline(1, 2_000);
    expect(slow.taken).toBe(2_000);
    // 1 ms a record: the slice ends at the first clock check past 5 ms (every 64 records).
    expect(slow.longestRun).toBeLessThanOrEqual(64);
  });

  it('keeps long slices for fast records', async () => {
    const slow = await runPipeline(0, 20_000);
    expect(slow.taken).toBe(20_000);
    expect(slow.longestRun).toBeGreaterThan(64);
  });
});
