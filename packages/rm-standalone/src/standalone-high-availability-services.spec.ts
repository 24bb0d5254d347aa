import { Container } from 'inversify';
import { Configuration } from '@flott/core';
import { loadHighAvailabilityServicesFactory } from '@flott/runtime';
import type { CompletedCheckpointMetadata, LeaderElectionService } from '@flott/runtime/spi';
import { highAvailabilityServicesContractTests, TestingLeaderContender, TestingLeaderRetrievalListener } from '@flott/runtime/testing';
import { StandaloneHighAvailabilityServices, StandaloneHighAvailabilityServicesFactory } from './standalone-high-availability-services';
import { LeaderContenderAlreadyRegisteredError } from './standalone-leader-election';
import { standaloneModule } from './standalone-module';

highAvailabilityServicesContractTests(new StandaloneHighAvailabilityServicesFactory(), { sharedAcrossInstances: false, defaultLeaderIds: true });

const checkpoint = (checkpointId: number): CompletedCheckpointMetadata => ({
  jobId: 'job', checkpointId, timestamp: checkpointId, externalPointer: `p${checkpointId}`,
});

function sequentialIds(): () => string {
  let n = 0;
  return () => `session-${++n}`;
}

describe('StandaloneHighAvailabilityServices', () => {
  let services: StandaloneHighAvailabilityServices;
  beforeEach(() => {
    services = new StandaloneHighAvailabilityServices({ newSessionId: sequentialIds() });
  });
  afterEach(() => services.close());

  it('grants leadership synchronously on start with the injected session ids', async () => {
    const election = services.getLeaderElectionService('dispatcher');
    let leaderDuringGrant: boolean | undefined;
    const contender = new TestingLeaderContender().withOnGrant((id) => {
      leaderDuringGrant = election.hasLeadership(id);
    });
    const started = election.start(contender);
    expect(contender.grantedSessionIds).toEqual(['session-1']);
    await started;
    expect(leaderDuringGrant).toBe(true);
  });

  it('refuses a second contender for a component that has a leader', async () => {
    await services.getLeaderElectionService('dispatcher').start(new TestingLeaderContender());
    const second: LeaderElectionService = services.getLeaderElectionService('dispatcher');
    await expect(second.start(new TestingLeaderContender())).rejects.toBeInstanceOf(LeaderContenderAlreadyRegisteredError);
    expect(second.hasLeadership('session-1')).toBe(false);
  });

  it('ignores a confirmation under an outdated session id', async () => {
    const election = services.getLeaderElectionService('resourcemanager');
    await election.start(new TestingLeaderContender());
    await election.stop();
    const listener = new TestingLeaderRetrievalListener();
    await services.getLeaderRetrievalService('resourcemanager').start(listener);
    await election.confirmLeadership('session-1', 'flott://stale');
    const next = services.getLeaderElectionService('resourcemanager');
    await next.start(new TestingLeaderContender());
    await next.confirmLeadership('session-2', 'flott://current');
    expect(listener.notifications).toEqual([{ address: 'flott://current', leaderSessionId: 'session-2' }]);
  });

  it('tells retrievers that the leader is gone when leadership is revoked', async () => {
    const election = services.getLeaderElectionService('dispatcher');
    const listener = new TestingLeaderRetrievalListener();
    await services.getLeaderRetrievalService('dispatcher').start(listener);
    await election.start(new TestingLeaderContender());
    await election.confirmLeadership('session-1', 'flott://jm/dispatcher');
    await election.stop();
    expect(listener.notifications).toEqual([
      { address: 'flott://jm/dispatcher', leaderSessionId: 'session-1' },
      { address: undefined, leaderSessionId: undefined },
    ]);
  });

  it('revokes every leader on close and refuses use afterwards', async () => {
    const contender = new TestingLeaderContender();
    await services.getLeaderElectionService('dispatcher').start(contender);
    await services.close();
    expect(contender.revocations).toBe(1);
    expect(() => services.getJobGraphStore()).toThrow('used after close');
  });

  it('keeps checkpoints and ids of a job for a JobMaster restarted in this process', async () => {
    const store = services.createCompletedCheckpointStore('job', 2);
    await store.addCheckpoint(checkpoint(1));
    const counter = services.createCheckpointIdCounter('job');
    await counter.getAndIncrement();
    await counter.getAndIncrement();
    await store.shutdown('SUSPENDED');
    await counter.shutdown('SUSPENDED');
    const recovered = services.createCompletedCheckpointStore('job', 2);
    expect(await recovered.getAllCheckpoints()).toEqual([checkpoint(1)]);
    expect(await services.createCheckpointIdCounter('job').get()).toBe(3);
  });

  it('drops checkpoints and ids of a job that ended for good', async () => {
    const store = services.createCompletedCheckpointStore('job', 2);
    await store.addCheckpoint(checkpoint(1));
    const counter = services.createCheckpointIdCounter('job');
    await counter.setCount(9);
    await store.shutdown('CANCELED');
    await counter.shutdown('CANCELED');
    expect(await services.createCompletedCheckpointStore('job', 2).getAllCheckpoints()).toEqual([]);
    expect(await services.createCheckpointIdCounter('job').get()).toBe(1);
  });

  it('requires room for at least one retained checkpoint and a positive counter', async () => {
    expect(() => services.createCompletedCheckpointStore('job', 0)).toThrow('state.checkpoints.num-retained must be >= 1, got 0');
    await expect(services.createCheckpointIdCounter('job').setCount(0)).rejects.toThrow('integer >= 1');
  });

  it('returns the oldest checkpoints dropped by one add when the bound is 1', async () => {
    const store = services.createCompletedCheckpointStore('job', 1);
    expect(await store.addCheckpoint(checkpoint(1))).toEqual([]);
    expect(await store.addCheckpoint(checkpoint(2))).toEqual([checkpoint(1)]);
    expect(await store.getAllCheckpoints()).toEqual([checkpoint(2)]);
  });
});

describe('standaloneModule', () => {
  it('makes the default configuration resolve to the none HA services', () => {
    const container = new Container();
    container.loadSync(standaloneModule);
    expect(loadHighAvailabilityServicesFactory(container, new Configuration())).toBeInstanceOf(StandaloneHighAvailabilityServicesFactory);
    expect(() => loadHighAvailabilityServicesFactory(container, Configuration.fromRecord({ 'high-availability.type': 'zookeeper' }))).toThrow(
      "Unknown high-availability services 'zookeeper' for 'high-availability.type'. Known: none",
    );
  });
});
