import { Configuration, FlottError, serializeError } from '@flott/core';
import {
  JobExecutionError,
  JobStatus,
  ProgramMissingJobError,
  SystemScheduler,
  type CollectedBatch,
  type DispatcherGateway,
  type JobArtifact,
  type JobResultInfo,
  type JobSubmission,
  type ExecuteOptions,
  type ExecutionContext,
} from '@flott/runtime';
import { StreamGraph } from '@flott/runtime/internal';
import { createClientExecutionContext, type ClientContextOptions } from './cluster-client';

const notInstantiated = (): never => {
  throw new Error('Assertion failed: the client does not instantiate operators');
};

function streamGraph(): StreamGraph {
  const graph = new StreamGraph('client test', { parallelism: 1, maxParallelism: -1, bufferTimeoutMs: 100, runtimeMode: 'STREAMING', chainingEnabled: true });
  const source = graph.addNode({ name: 'Source: numbers', kind: 'Source', parallelism: 1, nonParallel: false, maxParallelism: -1, chainingStrategy: 'HEAD', isSource: true, operatorFactory: notInstantiated });
  const sink = graph.addNode({ name: 'Sink', kind: 'Sink', parallelism: 1, nonParallel: false, maxParallelism: -1, chainingStrategy: 'ALWAYS', isSource: false, operatorFactory: notInstantiated });
  graph.addEdge(source.id, sink.id, { kind: 'forward' });
  return graph;
}

/** A Dispatcher that reports RUNNING `runningPolls` times, then `finalStatus`, and hands out `batches` in order. */
class TestingDispatcherGateway implements DispatcherGateway {
  readonly blobs = new Map<string, Uint8Array>();
  readonly submissions: JobSubmission[] = [];
  readonly canceled: string[] = [];
  readonly savepoints: Array<{ jobId: string; directory?: string; stop: boolean; drain?: boolean }> = [];
  runningPolls = 2;
  finalStatus: JobStatus = JobStatus.FINISHED;
  error?: Error;
  batches: CollectedBatch[] = [];

  constructor(overrides: Partial<Pick<TestingDispatcherGateway, 'runningPolls' | 'finalStatus' | 'error' | 'batches'>> = {}) {
    Object.assign(this, overrides);
  }

  async submitJob(submission: JobSubmission): Promise<string> {
    this.submissions.push(submission);
    return 'job-1';
  }
  async putBlob(sha256: string, data: Uint8Array): Promise<void> {
    this.blobs.set(sha256, data);
  }
  async getBlob(sha256: string): Promise<Uint8Array> {
    return this.blobs.get(sha256)!;
  }
  async getBlobServerAddress(): Promise<string | undefined> {
    return undefined;
  }
  async requestJobStatus(): Promise<JobStatus> {
    return JobStatus.RUNNING;
  }
  async requestJobResult(jobId: string): Promise<JobResultInfo> {
    const canceled = this.canceled.includes(jobId);
    const status = canceled ? JobStatus.CANCELED : this.runningPolls-- > 0 ? JobStatus.RUNNING : this.finalStatus;
    return { jobId, jobName: 'client test', status, netRuntimeMs: 7, accumulators: { count: 3 }, error: this.error && status === JobStatus.FAILED ? serializeError(this.error) : undefined };
  }
  requestJobDetails(): never {
    throw new Error('not used');
  }
  requestExecutionGraphInfo(): never {
    throw new Error('not used');
  }
  triggerCheckpoint(): never {
    throw new Error('not used');
  }
  disposeSavepoint(): never {
    throw new Error('not used');
  }
  async listJobs(): Promise<[]> {
    return [];
  }
  async cancelJob(jobId: string): Promise<void> {
    this.canceled.push(jobId);
  }
  async triggerSavepoint(jobId: string, directory?: string): Promise<string> {
    this.savepoints.push({ jobId, directory, stop: false });
    return `${directory ?? '/default'}/savepoint-1`;
  }
  /** The job ends FINISHED, as a stop-with-savepoint ends it. */
  async stopWithSavepoint(jobId: string, directory?: string, drain?: boolean): Promise<string> {
    this.savepoints.push({ jobId, directory, stop: true, drain });
    this.runningPolls = 0;
    this.finalStatus = JobStatus.FINISHED;
    return `${directory ?? '/default'}/savepoint-${this.savepoints.length}`;
  }
  private version = 0;
  async pollCollected(): Promise<CollectedBatch> {
    const batch = this.batches.shift() ?? { version: this.version, records: [] };
    this.version = batch.version;
    return batch;
  }
}

const artifact: JobArtifact = { sha256: 'ab'.repeat(32), code: new TextEncoder().encode('export {}') };

function options(dispatcher: DispatcherGateway, overrides: Partial<ClientContextOptions> = {}): ClientContextOptions {
  return {
    dispatcher,
    artifact,
    args: ['--input', 'x'],
    configuration: new Configuration(),
    scheduler: new SystemScheduler(),
    jobConfiguration: { 'pipeline.name': 'client test' },
    pollIntervalMs: 1,
    ...overrides,
  };
}

/** What env.execute() does: executeAsync(), then the JobClient's result. */
const execute = (ctx: ExecutionContext, graph: StreamGraph, options: ExecuteOptions = {}) =>
  ctx.executeAsync(graph, options).then((client) => client.getJobExecutionResult());

describe('createClientExecutionContext', () => {
  it('uploads the bundle, submits the job graph and waits for the result', async () => {
    const dispatcher = new TestingDispatcherGateway();
    const submitted: string[] = [];
    const ctx = createClientExecutionContext(options(dispatcher, { onJobSubmitted: (id, name) => submitted.push(`${id} ${name}`) }));
    expect(ctx.mode).toBe('client');
    const result = await execute(ctx, streamGraph());
    expect(dispatcher.blobs.get(artifact.sha256)).toBe(artifact.code);
    expect(dispatcher.submissions).toHaveLength(1);
    expect(dispatcher.submissions[0]).toMatchObject({ artifact: { sha256: artifact.sha256, size: artifact.code.byteLength }, args: ['--input', 'x'], configuration: { 'pipeline.name': 'client test' } });
    expect(dispatcher.submissions[0].jobGraph.jobName).toBe('client test');
    expect(submitted).toEqual(['job-1 client test']);
    expect(result).toMatchObject({ jobId: 'job-1', jobName: 'client test', netRuntimeMs: 7, accumulators: { count: 3 } });
    await ctx.mainReturned!();
  });

  it("submits the program's own configuration entries on top of the client's (file and -D)", async () => {
    const dispatcher = new TestingDispatcherGateway();
    const graph = streamGraph();
    graph.config.jobConfiguration = { 'execution.checkpointing.interval': 1000, 'pipeline.name': 'from the program' };
    await execute(createClientExecutionContext(options(dispatcher, { jobConfiguration: { 'pipeline.name': 'client test', 'parallelism.default': 2 } })), graph);
    expect(dispatcher.submissions[0].configuration).toEqual({
      'pipeline.name': 'from the program',
      'parallelism.default': 2,
      'execution.checkpointing.interval': 1000,
    });
  });

  it("gathers what collect sinks deliver, starting over when the job restarts (a new batch version)", async () => {
    const dispatcher = new TestingDispatcherGateway({
      batches: [
        { version: 0, records: [{ sinkId: 's', records: [1, 2] }, { sinkId: 'other', records: [9] }] },
        { version: 1, records: [{ sinkId: 's', records: [1] }] },
        { version: 1, records: [{ sinkId: 's', records: [2, 3] }] },
      ],
    });
    const result = await execute(createClientExecutionContext(options(dispatcher)), streamGraph(), { collectSinkIds: ['s'] });
    expect(result.collected.get('s')).toEqual([1, 2, 3]);
    expect(result.collected.has('other')).toBe(false);
  });

  it('cancels the job once the collect limit is reached and counts that as done', async () => {
    const dispatcher = new TestingDispatcherGateway({ runningPolls: 1000, batches: [{ version: 0, records: [{ sinkId: 's', records: [1, 2, 3, 4] }] }] });
    const result = await execute(createClientExecutionContext(options(dispatcher)), streamGraph(), { collectSinkIds: ['s'], collectLimit: 2 });
    expect(result.collected.get('s')).toEqual([1, 2]);
    expect(dispatcher.canceled).toEqual(['job-1']);
  });

  it("fails with a JobExecutionError carrying the job's cause when the job fails", async () => {
    const dispatcher = new TestingDispatcherGateway({ finalStatus: JobStatus.FAILED, error: new FlottError('BOOM', 'the operator failed') });
    const error = await execute(createClientExecutionContext(options(dispatcher)), streamGraph()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobExecutionError);
    expect((error as Error).message).toMatch(/FAILED: the operator failed/);
    expect((error as Error).cause).toMatchObject({ code: 'BOOM' });
  });

  it('allows one execute() per main', async () => {
    const ctx = createClientExecutionContext(options(new TestingDispatcherGateway()));
    const first = execute(ctx, streamGraph());
    await expect(ctx.executeAsync(streamGraph(), {})).rejects.toMatchObject({ code: 'MULTIPLE_EXECUTE' });
    await first;
  });

  it('reports a main that never called execute()', async () => {
    await expect(createClientExecutionContext(options(new TestingDispatcherGateway())).mainReturned!()).rejects.toThrow(ProgramMissingJobError);
  });

  it('warns and waits for the job when main returned without awaiting execute()', async () => {
    const warnings: string[] = [];
    const ctx = createClientExecutionContext(options(new TestingDispatcherGateway(), { onWarning: (m) => warnings.push(m) }));
    const execution = execute(ctx, streamGraph());
    await ctx.mainReturned!();
    expect(warnings).toEqual([expect.stringContaining('await env.execute()')]);
    await execution;
  });

  it('executeAsync() hands back a JobClient once the job is submitted: id, status and the result on request', async () => {
    const dispatcher = new TestingDispatcherGateway();
    const ctx = createClientExecutionContext(options(dispatcher));
    const client = await ctx.executeAsync(streamGraph(), {});
    expect(client.getJobID()).toBe('job-1');
    expect(dispatcher.submissions).toHaveLength(1);
    expect(await client.getJobStatus()).toBe(JobStatus.RUNNING);
    const result = client.getJobExecutionResult();
    expect(client.getJobExecutionResult()).toBe(result);
    expect(await result).toMatchObject({ jobId: 'job-1', jobName: 'client test', netRuntimeMs: 7, accumulators: { count: 3 } });
    await ctx.mainReturned!();
  });

  it("cancel() through the JobClient: the result fails with the job's CANCELED status", async () => {
    const dispatcher = new TestingDispatcherGateway({ runningPolls: 1000 });
    const client = await createClientExecutionContext(options(dispatcher)).executeAsync(streamGraph(), {});
    await client.cancel();
    expect(dispatcher.canceled).toEqual(['job-1']);
    const error = await client.getJobExecutionResult().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobExecutionError);
    expect((error as Error).message).toBe("Job 'client test' (job-1) CANCELED");
  });

  it('after an executeAsync() whose result main never asked for, waits for the job without a warning', async () => {
    const warnings: string[] = [];
    const dispatcher = new TestingDispatcherGateway({ runningPolls: 3 });
    const ctx = createClientExecutionContext(options(dispatcher, { onWarning: (m) => warnings.push(m) }));
    await ctx.executeAsync(streamGraph(), {});
    await ctx.mainReturned!();
    expect(dispatcher.runningPolls).toBeLessThan(0);
    expect(warnings).toEqual([]);
  });

  it('after main canceled its job through the JobClient, main returning is no failure; a job that failed is', async () => {
    const canceling = createClientExecutionContext(options(new TestingDispatcherGateway({ runningPolls: 1000 })));
    await (await canceling.executeAsync(streamGraph(), {})).cancel();
    await canceling.mainReturned!();

    const failing = createClientExecutionContext(options(new TestingDispatcherGateway({ finalStatus: JobStatus.FAILED, error: new FlottError('BOOM', 'bad') })));
    await failing.executeAsync(streamGraph(), {});
    await expect(failing.mainReturned!()).rejects.toThrow(JobExecutionError);
  });

  it('takes savepoints through the JobClient; stopping with one ends the job FINISHED, which is no failure of main', async () => {
    const dispatcher = new TestingDispatcherGateway({ runningPolls: 1000 });
    const ctx = createClientExecutionContext(options(dispatcher));
    const client = await ctx.executeAsync(streamGraph(), {});
    await expect(client.triggerSavepoint('/sp')).resolves.toBe('/sp/savepoint-1');
    await expect(client.stopWithSavepoint(false)).resolves.toBe('/default/savepoint-2');
    expect(dispatcher.savepoints).toEqual([
      { jobId: 'job-1', directory: '/sp', stop: false },
      { jobId: 'job-1', directory: undefined, stop: true, drain: false },
    ]);
    await expect(client.getJobExecutionResult()).resolves.toMatchObject({ jobId: 'job-1' });
    await expect(ctx.mainReturned!()).resolves.toBeUndefined();
  });

  it('stops with a drained savepoint through the JobClient (Flink\'s stopWithSavepoint(true, dir))', async () => {
    const dispatcher = new TestingDispatcherGateway({ runningPolls: 1000 });
    const client = await createClientExecutionContext(options(dispatcher)).executeAsync(streamGraph(), {});
    await expect(client.stopWithSavepoint(true, '/sp')).resolves.toBe('/sp/savepoint-1');
    expect(dispatcher.savepoints).toEqual([{ jobId: 'job-1', directory: '/sp', stop: true, drain: true }]);
    await expect(client.getJobExecutionResult()).resolves.toMatchObject({ jobId: 'job-1' });
  });

  it('detached (flott run -d): execute() returns once the job is submitted, with a result that has nothing but its id and name', async () => {
    const dispatcher = new TestingDispatcherGateway({ runningPolls: 1_000_000 });
    const ctx = createClientExecutionContext(options(dispatcher, { detached: true }));
    const result = await execute(ctx, streamGraph(), { collectSinkIds: ['s'] });
    expect([result.jobId, result.jobName]).toEqual(['job-1', 'client test']);
    for (const read of [() => result.netRuntimeMs, () => result.accumulators, () => result.collected]) {
      expect(read).toThrow(expect.objectContaining({ code: 'DETACHED_RESULT_UNAVAILABLE', message: expect.stringContaining('submitted detached (flott run -d)') }));
    }
    // main returning does not wait for the (still running) job.
    await ctx.mainReturned!();
    expect(dispatcher.runningPolls).toBe(1_000_000);
  });
});
