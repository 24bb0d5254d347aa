import { ExecutionState as E } from '../execution/execution-state';
import { StreamGraph } from '../graph/stream-graph';
import type { StreamOperator } from '../operators/stream-operator';
import type { StateBackend } from '../spi/state-backend';
import { settle, settleUntil } from '../testing/settle';
import { testingDeploymentDescriptors } from '../testing/testing-deployment';
import { TestingOneInputOperator, TestingSourceOperator } from '../testing/testing-stream-operators';
import { ManualClock } from '../time/clock';
import { SeededRandom } from '../time/random';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor';
import { DataClientConnections, DataServer, defaultNetworkConfig, DirectRemoteChannel, InputGate, RemoteTransportError } from '../network';
import { consumeAll } from '../network/testing-fixtures/network-harness';
import { msgpackSerializer } from '../serialization/msgpack-serializer';
import { SystemScheduler } from '../time/clock';
import type { FromSlot } from './slot-protocol';
import { SlotRuntime, type SlotPort, type SlotRuntimeOptions, type StreamGraphRequest } from './slot-runtime';

/** The TaskExecutor's end of the slot channel: records what the slot sends. */
class TestingSlotPort implements SlotPort {
  readonly sent: FromSlot[] = [];
  closed = false;
  postMessage(msg: FromSlot): void {
    this.sent.push(msg);
  }
  close(): void {
    this.closed = true;
  }
  states(): Array<{ attemptId: string; state: E }> {
    return this.sent.flatMap((m) => (m.type === 'task-state' ? [{ attemptId: m.update.attemptId, state: m.update.state }] : []));
  }
}

/** The slot's own data connections, for jobs whose channels all stay in this TaskManager. */
const NO_REMOTE_CHANNELS = {
  get: () => Promise.reject(new Error('Assertion failed: these jobs read no partition of another TaskManager')),
  close: () => undefined,
};

/** Source -> Sink chained into one task at parallelism 1. */
function job(source: TestingSourceOperator<number>, sink: TestingOneInputOperator<number>): { graph: StreamGraph; tdd: TaskDeploymentDescriptor } {
  const graph = new StreamGraph('slot runtime test', { parallelism: 1, maxParallelism: -1, bufferTimeoutMs: 100, runtimeMode: 'STREAMING', chainingEnabled: true });
  const node = (name: string, operator: StreamOperator<unknown>, isSource: boolean) =>
    graph.addNode({ name, kind: name, parallelism: 1, nonParallel: false, maxParallelism: -1, chainingStrategy: isSource ? 'HEAD' : 'ALWAYS', isSource, operatorFactory: () => operator });
  const s = node('Source', source as StreamOperator<unknown>, true);
  const k = node('Sink', sink as StreamOperator<unknown>, false);
  graph.addEdge(s.id, k.id, { kind: 'forward' });
  const [tdd] = testingDeploymentDescriptors(graph);
  return { graph, tdd };
}

describe('SlotRuntime', () => {
  let clock: ManualClock;
  let port: TestingSlotPort;
  let nextTurn: Array<() => void>;
  let loads: Array<{ artifactPath: string; request: StreamGraphRequest }>;
  let graphFor: () => Promise<StreamGraph>;
  let backendsCreated: number;

  const runtime = (): SlotRuntime =>
    new SlotRuntime({
      port,
      workerData: { slotIndex: 0, resourceId: 'tm-1', configuration: { 'parallelism.default': 3 }, pluginModules: [] },
      clock,
      scheduler: clock,
      random: new SeededRandom(1),
      loadStreamGraph: (artifactPath, request) => {
        loads.push({ artifactPath, request });
        return graphFor();
      },
      createStateBackend: () => {
        backendsCreated++;
        return {} as StateBackend;
      },
      createCheckpointStorage: () => {
        throw new Error('Assertion failed: these jobs do not checkpoint');
      },
      onNextTurn: (fn) => nextTurn.push(fn),
      heapUsedBytes: () => 1234,
      dataConnections: NO_REMOTE_CHANNELS,
    });

  beforeEach(() => {
    clock = new ManualClock(1_000);
    port = new TestingSlotPort();
    nextTurn = [];
    loads = [];
    backendsCreated = 0;
  });

  it('says it is ready when started', () => {
    runtime().start();
    expect(port.sent).toEqual([{ type: 'ready' }]);
  });

  it('deploys: re-runs main with the job configuration over the slot configuration and runs the task to FINISHED', async () => {
    const sink = new TestingOneInputOperator<number>('sink');
    const { graph, tdd } = job(new TestingSourceOperator('source', [1, 2, 3]), sink);
    graphFor = async () => graph;
    const slot = runtime();

    slot.handle({ type: 'deploy', tdd: { ...tdd, args: ['--x', '1'], jobConfiguration: { 'parallelism.default': 5 } }, artifactPath: '/blobs/job.js' });
    await settle();

    expect(loads).toHaveLength(1);
    expect(loads[0].artifactPath).toBe('/blobs/job.js');
    expect(loads[0].request.args).toEqual(['--x', '1']);
    expect(loads[0].request.defaultParallelism).toBe(5);
    expect(loads[0].request.configuration.toRecord()).toMatchObject({ 'parallelism.default': 5 });
    expect(port.states()).toEqual([
      { attemptId: tdd.attemptId, state: E.INITIALIZING },
      { attemptId: tdd.attemptId, state: E.RUNNING },
      { attemptId: tdd.attemptId, state: E.FINISHED },
    ]);
    expect(sink.received).toEqual([1, 2, 3]);
    // No keyed operator: no state backend.
    expect(backendsCreated).toBe(0);
  });

  it('runs the tasks on the injected clock and scheduler, and sends print output in batches on the next turn', async () => {
    const source = new TestingSourceOperator<number>('source', [], { bounded: false }).withOpen((env) => {
      expect(env.clock.currentTimeMillis()).toBe(1_000);
      env.scheduler.schedule(500, () => {
        env.stdout(`tick at ${env.clock.currentTimeMillis()}`);
        env.stdout('second line');
      });
    });
    const { graph, tdd } = job(source, new TestingOneInputOperator<number>('sink'));
    graphFor = async () => graph;
    const slot = runtime();
    slot.handle({ type: 'deploy', tdd, artifactPath: 'a.js' });
    await settle();
    expect(port.sent.filter((m) => m.type === 'stdout')).toEqual([]);

    clock.advance(499);
    expect(nextTurn).toHaveLength(0);
    clock.advance(1);
    expect(port.sent.filter((m) => m.type === 'stdout')).toEqual([]);
    expect(nextTurn).toHaveLength(1);
    nextTurn.shift()!();
    expect(port.sent.filter((m) => m.type === 'stdout')).toEqual([{ type: 'stdout', text: 'tick at 1500\nsecond line\n' }]);

    source.endInput();
    await settle();
    expect(port.states().at(-1)).toEqual({ attemptId: tdd.attemptId, state: E.FINISHED });
  });

  it('flushes pending print output ahead of a state update', async () => {
    const source = new TestingSourceOperator<number>('source', [1]).withOpen((env) => env.stdout('opening'));
    const { graph, tdd } = job(source, new TestingOneInputOperator<number>('sink'));
    graphFor = async () => graph;
    runtime().handle({ type: 'deploy', tdd, artifactPath: 'a.js' });
    await settle();

    const kinds = port.sent.map((m) => (m.type === 'task-state' ? m.update.state : m.type));
    expect(kinds).toEqual([E.INITIALIZING, 'stdout', E.RUNNING, E.FINISHED]);
  });

  /** Deploys an unbounded source → sink task and waits until it runs. */
  const runningTask = async (): Promise<{ slot: SlotRuntime; tdd: TaskDeploymentDescriptor }> => {
    const { graph, tdd } = job(new TestingSourceOperator<number>('source', [], { bounded: false }), new TestingOneInputOperator<number>('sink'));
    graphFor = async () => graph;
    const slot = runtime();
    slot.handle({ type: 'deploy', tdd, artifactPath: 'a.js' });
    await settle();
    expect(port.states().at(-1)?.state).toBe(E.RUNNING);
    return { slot, tdd };
  };

  it('cancels a running task', async () => {
    const { slot, tdd } = await runningTask();
    slot.handle({ type: 'cancel', attemptId: tdd.attemptId });
    await settle();
    expect(port.states().at(-1)).toEqual({ attemptId: tdd.attemptId, state: E.CANCELED });
  });

  it('cancels an attempt whose main is still being re-run: CANCELED once the graph is there, and no task runs', async () => {
    const source = new TestingSourceOperator<number>('source', [1]);
    const { graph, tdd } = job(source, new TestingOneInputOperator<number>('sink'));
    let release!: () => void;
    graphFor = () => new Promise((resolve) => (release = () => resolve(graph)));
    const slot = runtime();
    slot.handle({ type: 'deploy', tdd, artifactPath: 'a.js' });
    slot.handle({ type: 'cancel', attemptId: tdd.attemptId });
    await settle();
    expect(port.states()).toEqual([]);

    release();
    await settle();
    expect(port.states()).toEqual([{ attemptId: tdd.attemptId, state: E.CANCELED }]);
    expect(source.log).toEqual([]);
  });

  it('fails a running task its TaskExecutor reports a broken remote channel of (fail-task), with that error', async () => {
    const { slot, tdd } = await runningTask();
    const error = new RemoteTransportError('127.0.0.1:4000', 'closed by the producer side').toJSON();
    slot.handle({ type: 'fail-task', attemptId: 'nobody', error });
    slot.handle({ type: 'fail-task', attemptId: tdd.attemptId, error });
    await settle();
    const last = port.sent.at(-1);
    expect(last?.type === 'task-state' && last.update).toMatchObject({
      attemptId: tdd.attemptId,
      state: E.FAILED,
      error: { cause: { code: 'REMOTE_TRANSPORT', message: 'Data connection to TaskManager 127.0.0.1:4000: closed by the producer side' } },
    });
  });

  it('ignores a cancel for an attempt it does not know', async () => {
    runtime().handle({ type: 'cancel', attemptId: 'nobody' });
    await settle();
    expect(port.sent).toEqual([]);
  });

  it('fails the attempt when main fails or builds a different graph', async () => {
    const { tdd } = job(new TestingSourceOperator('source', [1]), new TestingOneInputOperator<number>('sink'));
    const slot = runtime();
    graphFor = () => Promise.reject(new Error('main threw'));
    slot.handle({ type: 'deploy', tdd, artifactPath: 'a.js' });
    await settle();
    const first = port.sent.at(-1);
    expect(first?.type === 'task-state' && first.update.state === E.FAILED && first.update.error?.message).toBe('main threw');

    const other = new StreamGraph('other', { parallelism: 1, maxParallelism: -1, bufferTimeoutMs: 100, runtimeMode: 'STREAMING', chainingEnabled: true });
    other.addNode({ name: 'Else', kind: 'Else', parallelism: 1, nonParallel: false, maxParallelism: -1, chainingStrategy: 'HEAD', isSource: true, operatorFactory: () => new TestingSourceOperator('else', []) as StreamOperator<unknown> });
    graphFor = async () => other;
    slot.handle({ type: 'deploy', tdd: { ...tdd, attemptId: `${tdd.attemptId}-2` }, artifactPath: 'a.js' });
    await settle();
    const second = port.sent.at(-1);
    expect(second?.type === 'task-state' && second.update.state === E.FAILED && second.update.error?.code).toBe('JOB_GRAPH_MISMATCH');
  });

  it('answers stats with its running tasks, heap and partitions', async () => {
    const source = new TestingSourceOperator<number>('source', [], { bounded: false });
    const { graph, tdd } = job(source, new TestingOneInputOperator<number>('sink'));
    graphFor = async () => graph;
    const slot = runtime();
    slot.handle({ type: 'stats', requestId: 7 });
    slot.handle({ type: 'deploy', tdd, artifactPath: 'a.js' });
    await settle();
    slot.handle({ type: 'stats', requestId: 8 });

    const replies = port.sent.filter((m) => m.type === 'stats-reply');
    expect(replies).toEqual([
      { type: 'stats-reply', requestId: 7, stats: { runningTasks: 0, heapUsedBytes: 1234, partitions: {}, taskTimes: {}, inputWatermarks: {}, taskRecords: {} } },
      {
        type: 'stats-reply',
        requestId: 8,
        stats: {
          runningTasks: 1,
          heapUsedBytes: 1234,
          partitions: {},
          // The running task's time split so far (nothing back-pressures it here) and its input watermark (a source has none).
          taskTimes: { [tdd.attemptId]: { elapsedMs: expect.any(Number), idleMs: expect.any(Number), backPressuredMs: 0 } },
          inputWatermarks: { [tdd.attemptId]: Number.NEGATIVE_INFINITY },
          // A source chained to its sink reads and writes nothing over the network.
          taskRecords: { [tdd.attemptId]: { in: 0, out: 0 } },
        },
      },
    ]);
    slot.handle({ type: 'cancel', attemptId: tdd.attemptId });
    await settle();
  });

  it('on shutdown cancels its tasks, flushes output and closes the port', async () => {
    const source = new TestingSourceOperator<number>('source', [], { bounded: false });
    const { graph, tdd } = job(source, new TestingOneInputOperator<number>('sink'));
    graphFor = async () => graph;
    const slot = runtime();
    slot.handle({ type: 'deploy', tdd, artifactPath: 'a.js' });
    await settle();

    slot.handle({ type: 'shutdown' });
    expect(port.closed).toBe(true);
    expect(source.log).toContain('source.cancel');
    await settle();
    expect(port.states().at(-1)?.state).toBe(E.CANCELED);
  });

  describe('with its own data server', () => {
    const scheduler = new SystemScheduler();
    const network = defaultNetworkConfig();
    let servers: DataServer[];
    let client: DataClientConnections;
    beforeEach(() => {
      servers = [];
      client = new DataClientConnections({ segmentSize: network.segmentSize, connectTimeoutMs: 5000, scheduler });
    });
    afterEach(async () => {
      client.close();
      for (const s of servers) await s.close();
    });

    const runtimeWithServer = (start: SlotRuntimeOptions['dataServer']): SlotRuntime =>
      new SlotRuntime({
        port,
        workerData: { slotIndex: 2, resourceId: 'tm-1', configuration: {}, pluginModules: [] },
        clock,
        scheduler: clock,
        random: new SeededRandom(1),
        loadStreamGraph: () => graphFor(),
        createStateBackend: () => ({}) as StateBackend,
        createCheckpointStorage: () => {
          throw new Error('Assertion failed: these jobs do not checkpoint');
        },
        onNextTurn: (fn) => setImmediate(fn),
        heapUsedBytes: () => 0,
        dataConnections: NO_REMOTE_CHANNELS,
        dataServer: start,
      });

    it('says it is ready with the server\'s address, serves its task\'s partition to a consumer on another TaskManager, and closes the server at shutdown', async () => {
      // Source -> (rebalance) -> Sink: this slot runs the source, whose partition a consumer elsewhere reads.
      const graph = new StreamGraph('served', { parallelism: 1, maxParallelism: -1, bufferTimeoutMs: 100, runtimeMode: 'STREAMING', chainingEnabled: true });
      const values = Array.from({ length: 2000 }, (_, i) => i);
      const s = graph.addNode({ name: 'Source', kind: 'Source', parallelism: 1, nonParallel: false, maxParallelism: -1, chainingStrategy: 'HEAD', isSource: true, operatorFactory: () => new TestingSourceOperator('source', values) as StreamOperator<unknown> });
      const k = graph.addNode({ name: 'Sink', kind: 'Sink', parallelism: 1, nonParallel: false, maxParallelism: -1, chainingStrategy: 'ALWAYS', isSource: false, operatorFactory: () => new TestingOneInputOperator('sink') as StreamOperator<unknown> });
      graph.addEdge(s.id, k.id, { kind: 'rebalance' });
      graphFor = async () => graph;
      const [sourceTdd] = testingDeploymentDescriptors(graph);
      const requested: string[] = [];
      const slot = runtimeWithServer(async (partitions) => {
        const seen = { requestPartition: (key: string, subpartition: number) => (requested.push(key), partitions.requestPartition(key, subpartition)) };
        const server = await DataServer.start({ bindHost: '127.0.0.1', port: 0, segmentSize: network.segmentSize, maxChannelsPerConnection: 16, connectTimeoutMs: 5000, scheduler, partitions: seen, kind: 'slot thread' });
        servers.push(server);
        return server;
      });
      slot.start();
      await settleUntil(() => port.sent.length > 0);
      expect(port.sent).toEqual([{ type: 'ready', dataAddress: servers[0].address }]);

      // The consumer asks before the task registered its partition: the request waits for it.
      const gate = new InputGate({ gateIndex: 0, numChannels: 1, config: network, serializer: msgpackSerializer() });
      const channel = new DirectRemoteChannel();
      const failures: Error[] = [];
      client.requestPartition(servers[0].address, sourceTdd.outputs[0].partitionKey, 0, channel.consumer, (e) => failures.push(e));
      gate.connectChannel(0, channel.endpoint);
      const reading = consumeAll(gate);
      await settleUntil(() => requested.length === 1);
      slot.handle({ type: 'deploy', tdd: sourceTdd, artifactPath: 'a.js' });
      const got = await reading;
      expect(got.filter((r) => r.kind === 'record').map((r) => (r.kind === 'record' ? r.value : undefined))).toEqual(values);
      expect(failures).toEqual([]);
      await settleUntil(() => port.states().at(-1)?.state === E.FINISHED);
      expect(servers[0].connectionCount).toBe(1);

      slot.handle({ type: 'shutdown' });
      await settleUntil(() => servers[0].connectionCount === 0);
    });

    it('without a server it could start, says it is ready all the same: its TaskManager serves its partitions', async () => {
      const slot = runtimeWithServer(async () => {
        throw new Error('listen EADDRINUSE 127.0.0.1:7000');
      });
      slot.start();
      await settleUntil(() => port.sent.length > 0);
      expect(port.sent).toEqual([{ type: 'ready' }]);
    });
  });
});
