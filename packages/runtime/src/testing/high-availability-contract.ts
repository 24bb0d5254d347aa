/// <reference types="jest" />
import { Configuration } from '@flott/core';
import type { JobGraph } from '../deployment/job-graph';
import {
  DEFAULT_LEADER_ID,
  type CompletedCheckpointMetadata,
  type HighAvailabilityServices,
  type HighAvailabilityServicesFactory,
} from '../spi/high-availability-services';
import { TestingLeaderContender, TestingLeaderRetrievalListener } from './testing-leader-contender';

export interface HighAvailabilityContractOptions {
  readonly config?: Configuration;
  /**
   * Whether a second services instance built from the same config (another JobManager) sees the job
   * graphs, checkpoints and counters of the first. False for `none`, true for real HA.
   */
  readonly sharedAcrossInstances: boolean;
  /**
   * Whether every leadership is granted with DEFAULT_LEADER_ID (`none`, as Flink's standalone HA:
   * one JobManager, and TaskManager processes must know its fencing tokens without asking) instead
   * of a fresh session id per grant (real HA, where a stale leader's id must differ from the new one's).
   */
  readonly defaultLeaderIds?: boolean;
}

export function testJobGraph(jobId: string, jobName = `job ${jobId}`): JobGraph {
  return { jobId, jobName, jobType: 'STREAMING', vertices: [], executeIndex: 0, maxParallelism: 128 };
}

function checkpoint(jobId: string, checkpointId: number): CompletedCheckpointMetadata {
  return { jobId, checkpointId, timestamp: 1000 + checkpointId, externalPointer: `mem://${jobId}/chk-${checkpointId}` };
}

const ids = (checkpoints: readonly CompletedCheckpointMetadata[]): number[] => checkpoints.map((c) => c.checkpointId);

let jobCounter = 0;

/**
 * Contract of HighAvailabilityServices (spi/high-availability-services.ts): a started contender is
 * granted leadership with a session id, the confirmed address reaches retrievers, stopping revokes;
 * job graphs and checkpoints round-trip, the checkpoint store keeps the newest `maxRetained`, the
 * id counter starts at 1 and only grows; cleanupJobData forgets a job.
 */
export function highAvailabilityServicesContractTests(factory: HighAvailabilityServicesFactory, options: HighAvailabilityContractOptions): void {
  const config = options.config ?? new Configuration();

  describe(`HighAvailabilityServices contract: ${factory.name}`, () => {
    let services: HighAvailabilityServices;
    const opened: HighAvailabilityServices[] = [];
    const open = (): HighAvailabilityServices => {
      const s = factory.create(config);
      opened.push(s);
      return s;
    };
    const newJobId = (): string => `contract-${process.pid}-${++jobCounter}`;
    beforeEach(() => {
      services = open();
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    it('has a lowercase config name', () => {
      expect(factory.name).toMatch(/^[a-z][a-z0-9-]*$/);
    });

    it('grants leadership to a started contender', async () => {
      const election = services.getLeaderElectionService('dispatcher');
      const contender = new TestingLeaderContender();
      await election.start(contender);
      const sessionId = await contender.waitForGrant();
      expect(sessionId.length).toBeGreaterThan(0);
      expect(election.hasLeadership(sessionId)).toBe(true);
      expect(election.hasLeadership(`${sessionId}-other`)).toBe(false);
      expect(contender.errors).toEqual([]);
      await election.stop();
    });

    it('publishes the confirmed address to retrievers started before and after', async () => {
      const early = new TestingLeaderRetrievalListener();
      const earlyRetrieval = services.getLeaderRetrievalService('resourcemanager');
      await earlyRetrieval.start(early);
      const election = services.getLeaderElectionService('resourcemanager');
      const contender = new TestingLeaderContender();
      await election.start(contender);
      const sessionId = await contender.waitForGrant();
      await election.confirmLeadership(sessionId, 'flott://jm-1:6123/resourcemanager');
      expect(await early.waitForAddress('flott://jm-1:6123/resourcemanager')).toEqual({
        address: 'flott://jm-1:6123/resourcemanager',
        leaderSessionId: sessionId,
      });
      const late = new TestingLeaderRetrievalListener();
      const lateRetrieval = services.getLeaderRetrievalService('resourcemanager');
      await lateRetrieval.start(late);
      expect(await late.waitForAddress('flott://jm-1:6123/resourcemanager')).toEqual({
        address: 'flott://jm-1:6123/resourcemanager',
        leaderSessionId: sessionId,
      });
      await Promise.all([earlyRetrieval.stop(), lateRetrieval.stop(), election.stop()]);
    });

    it('elects each component separately', async () => {
      const dispatcher = services.getLeaderElectionService('dispatcher');
      const jobMaster = services.getLeaderElectionService('jobmaster-job-1');
      const [c1, c2] = [new TestingLeaderContender(), new TestingLeaderContender()];
      await Promise.all([dispatcher.start(c1), jobMaster.start(c2)]);
      const [s1, s2] = await Promise.all([c1.waitForGrant(), c2.waitForGrant()]);
      if (options.defaultLeaderIds) expect([s1, s2]).toEqual([DEFAULT_LEADER_ID, DEFAULT_LEADER_ID]);
      else expect(s1).not.toBe(s2);
      await dispatcher.confirmLeadership(s1, 'flott://jm:1/dispatcher');
      await jobMaster.confirmLeadership(s2, 'flott://jm:1/jobmaster-1');
      const listener = new TestingLeaderRetrievalListener();
      const retrieval = services.getLeaderRetrievalService('jobmaster-job-1');
      await retrieval.start(listener);
      await listener.waitForAddress('flott://jm:1/jobmaster-1');
      expect(listener.notifications.map((n) => n.address)).not.toContain('flott://jm:1/dispatcher');
      await Promise.all([retrieval.stop(), dispatcher.stop(), jobMaster.stop()]);
    });

    it(`revokes leadership on stop, and a later contender gets ${options.defaultLeaderIds ? 'the default' : 'a fresh'} session id`, async () => {
      const election = services.getLeaderElectionService('dispatcher');
      const first = new TestingLeaderContender();
      await election.start(first);
      const s1 = await first.waitForGrant();
      await election.stop();
      await first.waitForRevocation();
      expect(election.hasLeadership(s1)).toBe(false);

      const again = services.getLeaderElectionService('dispatcher');
      const second = new TestingLeaderContender();
      await again.start(second);
      const s2 = await second.waitForGrant();
      if (options.defaultLeaderIds) expect([s1, s2]).toEqual([DEFAULT_LEADER_ID, DEFAULT_LEADER_ID]);
      else expect(s2).not.toBe(s1);
      expect(again.hasLeadership(s2)).toBe(true);
      await again.stop();
    });

    it('stores, lists, recovers and removes job graphs', async () => {
      const store = services.getJobGraphStore();
      const [a, b] = [newJobId(), newJobId()];
      await store.putJobGraph(testJobGraph(a));
      await store.putJobGraph(testJobGraph(b));
      await store.putJobGraph(testJobGraph(a, 'renamed'));
      expect(await store.recoverJobGraph(a)).toEqual(testJobGraph(a, 'renamed'));
      expect((await store.getJobIds()).filter((id) => id === a || id === b).sort()).toEqual([a, b].sort());
      await store.removeJobGraph(a);
      expect(await store.recoverJobGraph(a)).toBeUndefined();
      expect(await store.getJobIds()).not.toContain(a);
      expect(await store.recoverJobGraph(`${b}-unknown`)).toBeUndefined();
      await store.removeJobGraph(b);
    });

    it('keeps the newest maxRetained checkpoints, oldest dropped and returned', async () => {
      const jobId = newJobId();
      const store = services.createCompletedCheckpointStore(jobId, 3);
      expect(await store.getLatestCheckpoint()).toBeUndefined();
      const dropped: number[][] = [];
      for (let id = 1; id <= 5; id++) dropped.push(ids(await store.addCheckpoint(checkpoint(jobId, id))));
      expect(dropped).toEqual([[], [], [], [1], [2]]);
      expect(ids(await store.getAllCheckpoints())).toEqual([3, 4, 5]);
      expect(await store.getLatestCheckpoint()).toEqual(checkpoint(jobId, 5));
      await store.shutdown('FINISHED');
      await services.cleanupJobData(jobId);
    });

    it('keeps the checkpoints of different jobs apart', async () => {
      const [a, b] = [newJobId(), newJobId()];
      const storeA = services.createCompletedCheckpointStore(a, 2);
      const storeB = services.createCompletedCheckpointStore(b, 2);
      await storeA.addCheckpoint(checkpoint(a, 1));
      await storeB.addCheckpoint(checkpoint(b, 8));
      expect(await storeA.getAllCheckpoints()).toEqual([checkpoint(a, 1)]);
      expect(await storeB.getAllCheckpoints()).toEqual([checkpoint(b, 8)]);
      await Promise.all([services.cleanupJobData(a), services.cleanupJobData(b)]);
    });

    it('counts checkpoint ids from 1, monotonically, and honours setCount', async () => {
      const jobId = newJobId();
      const counter = services.createCheckpointIdCounter(jobId);
      await counter.start();
      expect(await counter.get()).toBe(1);
      expect([await counter.getAndIncrement(), await counter.getAndIncrement()]).toEqual([1, 2]);
      expect(await counter.get()).toBe(3);
      await counter.setCount(10);
      expect([await counter.getAndIncrement(), await counter.get()]).toEqual([10, 11]);
      await counter.shutdown('FINISHED');
      await services.cleanupJobData(jobId);
    });

    it('forgets a job on cleanupJobData', async () => {
      const jobId = newJobId();
      await services.createCompletedCheckpointStore(jobId, 2).addCheckpoint(checkpoint(jobId, 1));
      const counter = services.createCheckpointIdCounter(jobId);
      await counter.start();
      await counter.setCount(5);
      await services.cleanupJobData(jobId);
      expect(await services.createCompletedCheckpointStore(jobId, 2).getAllCheckpoints()).toEqual([]);
      const fresh = services.createCheckpointIdCounter(jobId);
      await fresh.start();
      expect(await fresh.get()).toBe(1);
    });

    it(`${options.sharedAcrossInstances ? 'shares' : 'does not share'} jobs and checkpoints with another instance`, async () => {
      const jobId = newJobId();
      await services.getJobGraphStore().putJobGraph(testJobGraph(jobId));
      await services.createCompletedCheckpointStore(jobId, 2).addCheckpoint(checkpoint(jobId, 1));
      const counter = services.createCheckpointIdCounter(jobId);
      await counter.start();
      await counter.setCount(7);

      const other = open();
      const otherCounter = other.createCheckpointIdCounter(jobId);
      await otherCounter.start();
      const seen = {
        jobGraph: await other.getJobGraphStore().recoverJobGraph(jobId),
        checkpoints: await other.createCompletedCheckpointStore(jobId, 2).getAllCheckpoints(),
        nextId: await otherCounter.get(),
      };
      expect(seen).toEqual(
        options.sharedAcrossInstances
          ? { jobGraph: testJobGraph(jobId), checkpoints: [checkpoint(jobId, 1)], nextId: 7 }
          : { jobGraph: undefined, checkpoints: [], nextId: 1 },
      );
      await services.getJobGraphStore().removeJobGraph(jobId);
      await services.cleanupJobData(jobId);
    });
  });
}
