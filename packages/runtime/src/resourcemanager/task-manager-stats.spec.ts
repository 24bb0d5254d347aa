import type { ResourceManagerGateway, TaskManagerStats, TaskManagerStatsEntry } from '../rpc/gateways';
import { LocalRpcNetwork, LocalRpcService } from '../rpc/rpc-service';
import { settle } from '../testing/settle';
import { TestingTaskExecutorGateway } from '../testing/testing-task-executor-gateway';
import { ManualClock } from '../time/clock';
import { ResourceManager } from './resource-manager';
import { DEFAULT_LEADER_ID } from '../spi/high-availability-services';

const ASK_TIMEOUT_MS = 10_000;
const STATS_TIMEOUT_MS = 500;

const statsOf = (heap: number, attempt: string, watermark: number): TaskManagerStats => ({
  heapUsedBytes: heap,
  taskTimes: { [attempt]: { elapsedMs: 1_000, idleMs: 100, backPressuredMs: 800 } },
  inputWatermarks: { [attempt]: watermark },
  taskRecords: { [attempt]: { in: heap, out: 2 * heap } },
});

describe('ResourceManager.requestTaskManagerStats: the fan-out to TaskManagers in other processes', () => {
  let clock: ManualClock;
  let network: LocalRpcNetwork;
  const services: LocalRpcService[] = [];
  let rm: ResourceManager;

  /** One more "process" on the network. */
  const host = (): LocalRpcService => {
    const rpc = new LocalRpcService(ASK_TIMEOUT_MS, clock, network);
    services.push(rpc);
    return rpc;
  };
  const taskManager = async (resourceId: string): Promise<TestingTaskExecutorGateway> => {
    const te = new TestingTaskExecutorGateway({ rpc: host(), resourceId, numberOfSlots: 1 });
    await te.registerAt(rm.address);
    return te;
  };

  beforeEach(async () => {
    clock = new ManualClock(1_000);
    network = new LocalRpcNetwork();
    rm = new ResourceManager({ rpc: host(), scheduler: clock, clock });
    rm.grantLeadership(DEFAULT_LEADER_ID);
    await rm.start();
  });

  afterEach(async () => {
    await rm.close();
    for (const s of services.splice(0)) await s.close();
  });

  it('merges the answers of every registered TaskManager, in registration order, across the network', async () => {
    (await taskManager('tm-a')).withTaskManagerStats(statsOf(100, 'a1', 5));
    // A source's watermark is -Infinity ("none"); it must survive the transport.
    (await taskManager('tm-b')).withTaskManagerStats(statsOf(200, 'b1', -Infinity));

    const rmGateway = host().connect<ResourceManagerGateway>(rm.address, { fencingToken: DEFAULT_LEADER_ID });
    expect(await rmGateway.requestTaskManagerStats(STATS_TIMEOUT_MS)).toEqual<TaskManagerStatsEntry[]>([
      { resourceId: 'tm-a', stats: statsOf(100, 'a1', 5) },
      { resourceId: 'tm-b', stats: statsOf(200, 'b1', -Infinity) },
    ]);
  });

  it('leaves out a dead TaskManager (its endpoint gone) without waiting for the timeout', async () => {
    (await taskManager('tm-alive')).withTaskManagerStats(statsOf(100, 'a1', 5));
    (await taskManager('tm-dead')).disappear();
    // No time passes: the failed call ends the wait for it.
    expect(await rm.requestTaskManagerStats(STATS_TIMEOUT_MS)).toEqual([{ resourceId: 'tm-alive', stats: statsOf(100, 'a1', 5) }]);
  });

  it('leaves out a hung TaskManager after the timeout, and never waits longer than the timeout', async () => {
    const alive = (await taskManager('tm-alive')).withTaskManagerStats(statsOf(100, 'a1', 5));
    const hung = (await taskManager('tm-hung')).withTaskManagerStats('hang');
    (await taskManager('tm-dead')).disappear();

    let answer: TaskManagerStatsEntry[] | undefined;
    void rm.requestTaskManagerStats(STATS_TIMEOUT_MS).then((a) => (answer = a));
    await settle();
    expect([alive.statsRequests, hung.statsRequests]).toEqual([1, 1]);
    // The hung one holds the answer until the timeout, not until rpc.ask-timeout.
    clock.advance(STATS_TIMEOUT_MS - 1);
    await settle();
    expect(answer).toBeUndefined();
    clock.advance(1);
    await settle();
    expect(answer).toEqual([{ resourceId: 'tm-alive', stats: statsOf(100, 'a1', 5) }]);
  });

  it('bounds the timeout a caller asks for (60 s at most), so a bad query cannot hold the REST API', async () => {
    (await taskManager('tm-hung')).withTaskManagerStats('hang');
    let answer: TaskManagerStatsEntry[] | undefined;
    void rm.requestTaskManagerStats(Number.POSITIVE_INFINITY).then((a) => (answer = a));
    clock.advance(60_000);
    await settle();
    expect(answer).toEqual([]);
  });

  it('answers with nothing when no TaskManager is registered', async () => {
    expect(await rm.requestTaskManagerStats(STATS_TIMEOUT_MS)).toEqual([]);
  });
});
