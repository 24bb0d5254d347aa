import { Container, ContainerModule } from 'inversify';
import { Clock, Configuration } from '@flott/core';
import { Dispatcher } from '../dispatcher/dispatcher';
import { ResourceManagerLeader } from '../jobmaster/job-container';
import { LeaderTracker, StaticLeaderRetrievalService } from '../leader/leader-tracker';
import { DEFAULT_LEADER_ID } from '../spi/high-availability-services';
import { Logger } from '../logging/logger';
import { SILENT_PROCESS_LOGGING } from '../logging/process-logging';
import { ResourceManager } from '../resourcemanager/resource-manager';
import type { DispatcherGateway } from '../rpc/gateways';
import { RpcService } from '../rpc/rpc-service';
import { CheckpointStorageFactory } from '../spi/checkpoint-storage';
import { FailoverStrategyFactory } from '../spi/failover-strategy';
import { HighAvailabilityServicesFactory } from '../spi/high-availability-services';
import { RestartBackoffStrategyFactory } from '../spi/restart-backoff-strategy';
import { SchedulingStrategyFactory } from '../spi/scheduling-strategy';
import { StateBackendFactory } from '../spi/state-backend';
import { TaskExecutor } from '../taskexecutor/task-executor';
import { settle } from '../testing/settle';
import { TestingFailoverStrategyFactory } from '../testing/testing-failover-strategy';
import { namedOnlyFactory } from '../testing/testing-named-factory';
import { TestingCheckpointHighAvailability } from '../testing/testing-checkpoint-services';
import { testingJobGraph, testingJobSubmission, TESTING_BUNDLE, TESTING_BUNDLE_SHA256 } from '../testing/testing-job-submission';
import { TestingRestartBackoffStrategyFactory } from '../testing/testing-restart-backoff-strategy';
import { TestingSchedulingStrategyFactory } from '../testing/testing-scheduling-strategy';
import { TestingTaskExecutorGateway } from '../testing/testing-task-executor-gateway';
import { ManualClock, Scheduler } from '../time/clock';
import { IdGenerator, RandomIdGenerator } from '../time/ids';
import { SeededRandom } from '../time/random';
import { JobManagerLeaderRetrieval, type JobManagerComponent, bindJobManagerRoles, bindTaskManager, createClusterContainer } from './cluster-container';

const SEED = 42;

describe('the cluster container', () => {
  let clusterRestarts: TestingRestartBackoffStrategyFactory;
  let jobRestarts: TestingRestartBackoffStrategyFactory;
  let clock: ManualClock;
  let cluster: Container;

  beforeEach(() => {
    clusterRestarts = new TestingRestartBackoffStrategyFactory();
    jobRestarts = new TestingRestartBackoffStrategyFactory((s) => s, 'job-level');
    const plugins = new Container();
    plugins.loadSync(
      new ContainerModule(({ bind }) => {
        bind(SchedulingStrategyFactory).toConstantValue(new TestingSchedulingStrategyFactory());
        bind(FailoverStrategyFactory).toConstantValue(new TestingFailoverStrategyFactory());
        bind(RestartBackoffStrategyFactory).toConstantValue(clusterRestarts);
        bind(RestartBackoffStrategyFactory).toConstantValue(jobRestarts);
        bind(StateBackendFactory).toConstantValue(namedOnlyFactory('hashmap'));
        bind(CheckpointStorageFactory).toConstantValue(namedOnlyFactory('jobmanager'));
        // The Dispatcher puts every submitted job graph into the HA services' job graph store.
        bind(HighAvailabilityServicesFactory).toConstantValue({ name: 'none', create: () => new TestingCheckpointHighAvailability() });
      }),
    );
    clock = new ManualClock(1_000);
    cluster = createClusterContainer(plugins, {
      configuration: Configuration.fromRecord({
        'jobmanager.scheduler': 'testing',
        'jobmanager.execution.failover-strategy': 'testing',
        'restart-strategy.type': 'testing',
        'taskmanager.numberOfTaskSlots': 2,
      }),
      logging: SILENT_PROCESS_LOGGING,
      pluginModules: ['@acme/plugin'],
      clock,
      scheduler: clock,
      ids: new RandomIdGenerator(new SeededRandom(SEED)),
    });
    bindJobManagerRoles(cluster);
    bindTaskManager(cluster);
    // The testing HA services elect nobody: the roles are made leaders by hand, as the processes' elections would.
    cluster.rebindSync(JobManagerLeaderRetrieval).toConstantValue((component: JobManagerComponent) =>
      new StaticLeaderRetrievalService(component === 'resource_manager' ? cluster.get(ResourceManager).address : cluster.get(Dispatcher).address));
    cluster.get(ResourceManager).grantLeadership(DEFAULT_LEADER_ID);
    cluster.get(Dispatcher).grantLeadership(DEFAULT_LEADER_ID);
    void cluster.get<LeaderTracker>(ResourceManagerLeader).start();
  });

  afterEach(async () => {
    if (cluster.isBound(Dispatcher)) await cluster.get(Dispatcher).close();
    await cluster.get(ResourceManager).close();
    await cluster.get<RpcService>(RpcService).close();
  });

  it('builds each role once, wired to the services bound in it', () => {
    const dispatcher = cluster.get(Dispatcher);
    expect(cluster.get(Dispatcher)).toBe(dispatcher);
    const rm = cluster.get(ResourceManager);
    expect(rm.resourceManagerId).toBe(DEFAULT_LEADER_ID);
    // One RPC service for all roles: the Dispatcher's address is served by it.
    const rpc = cluster.get<RpcService>(RpcService);
    expect(rpc.connect<DispatcherGateway>(dispatcher.address)).toBeDefined();
    expect(cluster.get<Clock>(Clock)).toBe(clock);
    expect(cluster.get<Scheduler>(Scheduler)).toBe(clock);
    expect(cluster.get<Logger>(Logger)).toBe(SILENT_PROCESS_LOGGING.logger);
  });

  it('names the TaskManager with an id from the injected IdGenerator, so a seed reproduces it', () => {
    const expected = new RandomIdGenerator(new SeededRandom(SEED)).nextId().slice(0, 8);
    const te = cluster.get(TaskExecutor);
    expect(te.address).toMatch(new RegExp(`/taskmanager-taskmanager-${expected}$`));
    expect(cluster.get(TaskExecutor)).toBe(te);
  });

  it("gives each job a child container: its own JobMaster and restart strategy, the job's configuration, the cluster's ids", async () => {
    const ids = cluster.get<IdGenerator>(IdGenerator);
    const rm = cluster.get(ResourceManager);
    const rpc = cluster.get<RpcService>(RpcService);
    const dispatcher = rpc.connect<DispatcherGateway>(cluster.get(Dispatcher).address, { fencingToken: DEFAULT_LEADER_ID });
    const te = new TestingTaskExecutorGateway({ rpc, resourceId: 'tm-1', numberOfSlots: 8 });
    await te.registerAt(rm.address);
    await dispatcher.putBlob(TESTING_BUNDLE_SHA256, TESTING_BUNDLE);

    // The same seed, drawn in the same order, predicts the allocation ids the jobs' slot pools ask for.
    const replay = new RandomIdGenerator(new SeededRandom(SEED));
    await dispatcher.submitJob(testingJobSubmission(testingJobGraph({ jobId: 'a'.repeat(32), parallelism: 2 })));
    await settle();
    replay.nextId(); // the JobMaster's id (its fencing token)
    const firstJob = [replay.nextId(), replay.nextId()];
    await dispatcher.submitJob(
      testingJobSubmission(testingJobGraph({ jobId: 'b'.repeat(32), parallelism: 2 }), { configuration: { 'restart-strategy.type': 'job-level' } }),
    );
    await settle();
    replay.nextId();
    const secondJob = [replay.nextId(), replay.nextId()];

    expect(te.slotRequests.map((r) => r.allocationId)).toEqual([...firstJob, ...secondJob]);
    expect(te.slotRequests.map((r) => r.jobId)).toEqual(['a'.repeat(32), 'a'.repeat(32), 'b'.repeat(32), 'b'.repeat(32)]);
    // The second job's configuration chose its restart strategy; the cluster's configuration chose the first's.
    expect(clusterRestarts.instances).toHaveLength(1);
    expect(jobRestarts.instances).toHaveLength(1);
    expect(ids.nextId()).toBe(replay.nextId());
    await dispatcher.cancelJob('a'.repeat(32));
    await dispatcher.cancelJob('b'.repeat(32));
  });
});
