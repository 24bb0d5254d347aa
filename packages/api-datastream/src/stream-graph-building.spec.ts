import { Configuration, JobBuildError, OutputTag, type Collector } from '@flott/core';
import { CoreOptions, JobStatus } from '@flott/runtime';
import { setExecutionContext, type StreamGraph, type StreamNode } from '@flott/runtime/internal';
import { MissingExecutionContextError } from './api-errors';
import { StreamExecutionEnvironment } from './stream-execution-environment';
import { LocalTestContext } from './testing-fixtures/local-test-context';

afterEach(() => setExecutionContext(undefined));

function summary(graph: StreamGraph) {
  return [...graph.nodes.values()].map((n: StreamNode) => ({
    id: n.id,
    name: n.name,
    kind: n.kind,
    parallelism: n.parallelism,
    effective: graph.parallelismOf(n),
    chaining: n.chainingStrategy,
    isSource: n.isSource,
    keyed: n.stateKeySelector !== undefined,
  }));
}

function edges(graph: StreamGraph) {
  return [...graph.nodes.values()].flatMap((n) => n.outEdges.map((e) => `${e.sourceId}->${e.targetId}:${e.partitioner.kind}${e.sideOutputTag ? `[${e.sideOutputTag}]` : ''}`));
}

function wordCount(env: StreamExecutionEnvironment): void {
  env
    .fromElements('to be', 'or not to be')
    .flatMap<string>((line, out: Collector<string>) => line.split(' ').forEach((w) => out.collect(w)))
    .map((w) => ({ word: w, count: 1 }))
    .keyBy((wc) => wc.word)
    .sum('count')
    .print();
}

describe('building the StreamGraph', () => {
  it('word count: nodes, names, kinds, parallelisms, chaining strategies, keyed operators and edges', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2);
    wordCount(env);
    const graph = env.getStreamGraph('wc');
    expect(graph.jobName).toBe('wc');
    expect(summary(graph)).toEqual([
      { id: 1, name: 'Source: Collection Source', kind: 'FromElementsSource', parallelism: 1, effective: 1, chaining: 'HEAD', isSource: true, keyed: false },
      { id: 2, name: 'Flat Map', kind: 'FlatMap', parallelism: -1, effective: 2, chaining: 'ALWAYS', isSource: false, keyed: false },
      { id: 3, name: 'Map', kind: 'Map', parallelism: -1, effective: 2, chaining: 'ALWAYS', isSource: false, keyed: false },
      { id: 4, name: 'Keyed Aggregation', kind: 'KeyedAggregation', parallelism: -1, effective: 2, chaining: 'ALWAYS', isSource: false, keyed: true },
      { id: 5, name: 'Sink: Print to Std. Out', kind: 'PrintSink', parallelism: -1, effective: 2, chaining: 'ALWAYS', isSource: false, keyed: false },
    ]);
    expect(edges(graph)).toEqual(['1->2:rebalance', '2->3:forward', '3->4:hash', '4->5:forward']);
    expect(graph.getNode(1).nonParallel).toBe(true);
    expect(graph.config).toEqual({ parallelism: 2, maxParallelism: -1, bufferTimeoutMs: 100, runtimeMode: 'STREAMING', chainingEnabled: true, jobConfiguration: {} });
  });

  it('the hash edge and the keyed operator extract the same key', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    wordCount(env);
    const graph = env.getStreamGraph();
    const hashEdge = graph.getNode(4).inEdges[0];
    expect(hashEdge.partitioner.keySelector?.({ word: 'be', count: 1 })).toBe('be');
    expect(graph.getNode(4).stateKeySelector?.({ word: 'to', count: 1 })).toBe('to');
  });

  it('rebuilding the same pipeline gives the same graph (task mode re-runs main)', () => {
    const build = () => {
      const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(3);
      wordCount(env);
      return env.getStreamGraph();
    };
    const a = build();
    const b = build();
    expect(summary(b)).toEqual(summary(a));
    expect(edges(b)).toEqual(edges(a));
  });

  it('resolves unpartitioned edges only at the end, after parallelism was set', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const mapped = env.fromSequence(1, 10).map((x) => x + 1);
    const filtered = mapped.filter((x) => x > 2);
    filtered.print();
    mapped.setParallelism(4);
    // Source (1) -> map (4) -> filter (1) -> print (1).
    expect(edges(env.getStreamGraph())).toEqual(['1->2:rebalance', '2->3:rebalance', '3->4:forward']);
  });

  it('keeps explicit partitioners and rejects an explicit forward that changes parallelism', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2);
    const src = env.fromSequence(0, 9);
    src.rebalance().map((x) => x).name('a');
    src.rescale().map((x) => x).name('b');
    src.shuffle().map((x) => x).name('c');
    src.broadcast().map((x) => x).name('d');
    src.global().map((x) => x).name('e');
    src.forward().map((x) => x).name('f');
    expect(edges(env.getStreamGraph())).toEqual(['1->2:rebalance', '1->3:rescale', '1->4:shuffle', '1->5:broadcast', '1->6:global', '1->7:forward']);

    env.fromSequence(0, 9).forward().map((x) => x).setParallelism(3);
    expect(() => env.getStreamGraph()).toThrow(JobBuildError);
  });

  it('operator settings land on the stream node', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const op = env
      .fromSequence(1, 5)
      .name('numbers')
      .uid('src-uid')
      .setParallelism(2)
      .map((x) => x * 2)
      .name('double')
      .uid('double-uid')
      .setParallelism(3)
      .setMaxParallelism(64)
      .slotSharingGroup('heavy')
      .startNewChain()
      .setBufferTimeout(5);
    op.filter(() => true).disableChaining();
    op.print('p').name('printer').uid('sink-uid').setParallelism(1).disableChaining();
    const graph = env.getStreamGraph();
    const [src, double, filter, sink] = [1, 2, 3, 4].map((id) => graph.getNode(id));
    expect([src.name, src.uid, src.parallelism]).toEqual(['Source: numbers', 'src-uid', 2]);
    expect([double.name, double.uid, double.parallelism, double.maxParallelism, double.slotSharingGroup, double.chainingStrategy, double.bufferTimeoutMs]).toEqual([
      'double', 'double-uid', 3, 64, 'heavy', 'HEAD', 5,
    ]);
    expect(filter.chainingStrategy).toBe('NEVER');
    expect([sink.name, sink.uid, sink.parallelism, sink.chainingStrategy]).toEqual(['Sink: printer', 'sink-uid', 1, 'NEVER']);
    expect(op.getName()).toBe('double');
  });

  it('rejects invalid settings with JobBuildError', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    expect(() => env.fromElements(1).setParallelism(2)).toThrow('non-parallel operator');
    expect(() => env.socketTextStream('localhost', 9999).setParallelism(3)).toThrow(JobBuildError);
    expect(() => env.fromSequence(1, 2).setParallelism(0)).toThrow(JobBuildError);
    expect(() => env.fromSequence(1, 2).setParallelism(8).setMaxParallelism(4)).toThrow('below its parallelism');
    expect(() => env.setParallelism(1.5)).toThrow(JobBuildError);
    expect(() => env.fromSequence(5, 1)).toThrow('from <= to');
    expect(() => env.fromElements()).toThrow('at least one element');
    expect(() => env.fromGenerator(-1, (i) => i)).toThrow(JobBuildError);
  });

  it('side outputs become edges that name their tag; union gives one node several inputs', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const late = new OutputTag<string>('late');
    const main = env.fromElements(1, 2, 3).process<number>((v, ctx, out) => (v > 2 ? ctx.output(late, `late ${v}`) : out.collect(v)));
    const a = main.map((v) => `main ${v}`);
    main.getSideOutput(late).union(a).print();
    expect(edges(env.getStreamGraph())).toEqual(['1->2:forward', '2->3:forward', '2->4:forward[late]', '3->4:forward']);
  });

  it('sources create no I/O while building', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.readTextFile('/definitely/not/here.txt').print();
    env.socketTextStream('127.0.0.1', 1).print();
    const graph = env.getStreamGraph();
    expect([...graph.nodes.values()].map((n) => n.name)).toEqual(['Source: Custom File Source', 'Sink: Print to Std. Out', 'Source: Socket Stream', 'Sink: Print to Std. Out']);
    expect(graph.getNode(1).nonParallel).toBe(false);
    expect(graph.getNode(3).nonParallel).toBe(true);
  });

  it('names of the other sources and sinks follow Flink', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromGenerator(10, (i) => i).addSink(() => {});
    env.fromCollection([1]).writeAsText('/tmp/x');
    env.fromSequence(1, 2).keyBy((x) => x % 2).reduce((a, b) => a + b).printToErr();
    expect([...env.getStreamGraph().nodes.values()].map((n) => `${n.name}|${n.kind}`)).toEqual([
      'Source: Data Generator|DataGeneratorSource',
      'Sink: Unnamed|Sink',
      'Source: Collection Source|FromElementsSource',
      'Sink: Unnamed|TextFileSink',
      'Source: Sequence Source|NumberSequenceSource',
      'Keyed Reduce|KeyedReduce',
      'Sink: Print to Std. Err|PrintSink',
    ]);
  });

  it('environment settings go into the graph config; getStreamGraph starts a new job', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment()
      .setParallelism(3)
      .setMaxParallelism(256)
      .setBufferTimeout(0)
      .disableOperatorChaining()
      .setRuntimeMode('BATCH');
    env.fromSequence(1, 2).print();
    expect(env.getStreamGraph().config).toEqual({ parallelism: 3, maxParallelism: 256, bufferTimeoutMs: 0, runtimeMode: 'BATCH', chainingEnabled: false, jobConfiguration: {} });
    expect(() => env.getStreamGraph()).toThrow('No operators defined');
    env.fromSequence(1, 2).print();
    expect([...env.getStreamGraph().nodes.keys()]).toEqual([1, 2]);
  });
});

describe('the execution context', () => {
  it('execute() without a context tells the user to run the job through the CLI', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromElements(1).print();
    const run = env.execute();
    await expect(run).rejects.toThrow(MissingExecutionContextError);
    await expect(run).rejects.toThrow('npx flott run <job>');
  });

  it('execute() hands the finished graph with the job name to the context', async () => {
    const ctx = new LocalTestContext();
    setExecutionContext(ctx);
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromElements(1).print();
    const result = await env.execute('my job');
    expect(result.jobName).toBe('my job');
    expect(ctx.graphs.length).toBe(1);
    expect(ctx.options).toEqual([{}]);
    await expect(env.execute()).rejects.toThrow('No operators defined');
  });

  it('executeAsync() hands the graph to the context and returns its JobClient; its result is what execute() gives', async () => {
    const ctx = new LocalTestContext();
    setExecutionContext(ctx);
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromElements(1, 2).print();
    const client = await env.executeAsync('async job');
    expect(client.getJobID()).toBe('local-1');
    const result = await client.getJobExecutionResult();
    expect(result).toMatchObject({ jobId: 'local-1', jobName: 'async job' });
    expect(await client.getJobStatus()).toBe(JobStatus.FINISHED);
    expect(ctx.stdout).toEqual(['1', '2']);
    env.fromElements(1, 2).print();
    expect(await env.execute('async job')).toMatchObject({ jobName: 'async job', accumulators: result.accumulators });
    await expect(env.executeAsync()).rejects.toThrow('No operators defined');
    setExecutionContext(undefined);
    env.fromElements(1).print();
    await expect(env.executeAsync()).rejects.toThrow(MissingExecutionContextError);
  });

  it('the default parallelism comes from the context, else its configuration, else 1', () => {
    expect(StreamExecutionEnvironment.getExecutionEnvironment().getParallelism()).toBe(1);
    setExecutionContext(new LocalTestContext([], undefined, new Configuration().set(CoreOptions.DEFAULT_PARALLELISM, 6)));
    expect(StreamExecutionEnvironment.getExecutionEnvironment().getParallelism()).toBe(6);
    setExecutionContext(new LocalTestContext([], 4, new Configuration().set(CoreOptions.DEFAULT_PARALLELISM, 6)));
    expect(StreamExecutionEnvironment.getExecutionEnvironment().getParallelism()).toBe(4);
  });

  it('configuration from the context and from the caller are layered', () => {
    setExecutionContext(new LocalTestContext([], undefined, new Configuration().set(CoreOptions.BUFFER_TIMEOUT, '5 s')));
    expect(StreamExecutionEnvironment.getExecutionEnvironment().getBufferTimeout()).toBe(5000);
    const env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration().set(CoreOptions.OPERATOR_CHAINING, false));
    expect([env.getBufferTimeout(), env.isChainingEnabled()]).toEqual([5000, false]);
  });

  it('getArgs() returns the context args, or the process args without a context', () => {
    expect(StreamExecutionEnvironment.getExecutionEnvironment().getArgs()).toEqual(process.argv.slice(2));
    setExecutionContext(new LocalTestContext(['--input', 'in.txt']));
    expect(StreamExecutionEnvironment.getExecutionEnvironment().getArgs()).toEqual(['--input', 'in.txt']);
  });

  it('executeAndCollect adds a parallelism-1 collect sink and asks the context for its records', async () => {
    const ctx = new LocalTestContext();
    setExecutionContext(ctx);
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2);
    const out = await env.fromSequence(1, 6).map((x) => x * x).executeAndCollect('squares');
    expect(out.sort((a, b) => a - b)).toEqual([1, 4, 9, 16, 25, 36]);
    const graph = ctx.graphs[0];
    const sink = graph.getNode(3);
    expect([sink.name, sink.kind, sink.parallelism]).toEqual(['Sink: Data stream collect sink', 'CollectSink', 1]);
    expect(ctx.options).toEqual([{ collectSinkIds: ['collect-3'], collectLimit: undefined }]);
    expect(graph.jobName).toBe('squares');
  });
});
