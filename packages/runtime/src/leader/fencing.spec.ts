import { ExecutionState as E, JobStatus } from '../execution/execution-state';
import type { DispatcherGateway, ResourceManagerGateway } from '../rpc/gateways';
import { TESTING_RESOURCE_MANAGER_ID, TestingControlPlane } from '../testing/testing-control-plane';
import { TestingJobMasterRun } from '../testing/testing-job-master';
import { TestingTaskExecutorGateway } from '../testing/testing-task-executor-gateway';
import { Dispatcher } from '../dispatcher/dispatcher';
import { Configuration } from '@flott/core';
import { Container } from 'inversify';
import { testingBlobStore } from '../testing/testing-blob-store';
import { LeaderTracker } from './leader-tracker';

// Leader session ids fence the JobManager's gateways (Flink's FencedRpcEndpoint): a message meant for
// another leader, or sent while the endpoint is not the leader, is refused before it reaches the role.
describe('fencing of the JobManager-side gateways', () => {
  let cp: TestingControlPlane;

  beforeEach(() => {
    cp = new TestingControlPlane();
  });
  afterEach(async () => {
    await cp.close();
  });

  describe('the ResourceManager', () => {
    it("accepts calls with its leader session id only: a stale leader's token, or none, is refused", async () => {
      const current = cp.rpc.connect<ResourceManagerGateway>(cp.resourceManager.address, { fencingToken: TESTING_RESOURCE_MANAGER_ID });
      expect((await current.getOverview()).taskManagers).toBe(0);
      const stale = cp.rpc.connect<ResourceManagerGateway>(cp.resourceManager.address, { fencingToken: 'an-earlier-session' });
      await expect(stale.getOverview()).rejects.toMatchObject({
        code: 'FENCING_TOKEN_MISMATCH',
        message: expect.stringContaining(`expected ${TESTING_RESOURCE_MANAGER_ID}, received an-earlier-session`),
      });
      await expect(cp.rpc.connect<ResourceManagerGateway>(cp.resourceManager.address).getOverview()).rejects.toMatchObject({ code: 'FENCING_TOKEN_MISMATCH' });
    });

    it('refuses every call while its leadership is revoked, and only the new session id once it is granted again', async () => {
      const te = await cp.addTaskExecutor('tm-1', 1);
      cp.resourceManager.revokeLeadership();
      const old = cp.rpc.connect<ResourceManagerGateway>(cp.resourceManager.address, { fencingToken: TESTING_RESOURCE_MANAGER_ID });
      await expect(old.getOverview()).rejects.toMatchObject({ code: 'UNKNOWN_FENCING_TOKEN' });
      // A TaskExecutor still talking to the old session cannot register its slots again.
      await expect(te.registerAt(cp.resourceManager.address, TESTING_RESOURCE_MANAGER_ID)).rejects.toMatchObject({ code: 'UNKNOWN_FENCING_TOKEN' });

      cp.resourceManager.grantLeadership('session-2');
      await expect(old.getOverview()).rejects.toMatchObject({ code: 'FENCING_TOKEN_MISMATCH' });
      await te.registerAt(cp.resourceManager.address, 'session-2');
      expect(cp.resourceManager.resourceManagerId).toBe('session-2');
    });

    it("sends its session id and the JobMaster's id with each slot request (the TaskExecutor checks both)", async () => {
      const te = await cp.addTaskExecutor('tm-1', 2);
      const run = new TestingJobMasterRun(cp);
      run.jobMaster.start();
      await cp.settle();
      expect(te.slotRequests.map((r) => r.resourceManagerId)).toEqual([TESTING_RESOURCE_MANAGER_ID, TESTING_RESOURCE_MANAGER_ID]);
      expect(te.slotRequests.map((r) => r.jobMaster)).toEqual([run.jobMaster.ref, run.jobMaster.ref]);
      run.jobMaster.cancel();
      await cp.settle();
    });
  });

  describe('the JobMaster', () => {
    it("refuses what a TaskExecutor sends to the job's earlier JobMaster: a new JobMaster at the same address has a new id", async () => {
      const te = await cp.addTaskExecutor('tm-1', 4);
      const first = new TestingJobMasterRun(cp);
      first.jobMaster.start();
      await cp.settle();
      const oldAttempts = te.deployedAttempts();
      expect(oldAttempts).toHaveLength(4);
      expect(new Set(te.submittedTasks.map((t) => t.jobMasterId))).toEqual(new Set([first.jobMaster.ref.jobMasterId]));
      first.jobMaster.cancel();
      await cp.settle();
      for (const id of oldAttempts) await te.reportTaskState(id, E.CANCELED);
      await cp.settle();
      expect(first.status).toBe(JobStatus.CANCELED);

      const second = new TestingJobMasterRun(cp);
      expect(second.jobMaster.address).toBe(first.jobMaster.address);
      expect(second.jobMaster.ref.jobMasterId).not.toBe(first.jobMaster.ref.jobMasterId);
      second.jobMaster.start();
      await cp.settle();
      // A late report of an attempt of the first JobMaster carries the first JobMaster's id: refused, the new run is untouched.
      await expect(te.reportTaskState(oldAttempts[0], E.FAILED)).rejects.toMatchObject({ code: 'FENCING_TOKEN_MISMATCH' });
      expect(second.status).toBe(JobStatus.RUNNING);
      expect(second.executionStates().every((s) => s === E.DEPLOYING)).toBe(true);
      second.jobMaster.cancel();
      await cp.settle();
    });
  });

  describe('the Dispatcher', () => {
    it('answers only clients that send its leader session id, and nobody while it is not the leader', async () => {
      const dispatcher = new Dispatcher({
        blobStore: testingBlobStore(cp.clock),
        rpc: cp.rpc,
        clock: cp.clock,
        scheduler: cp.clock,
        configuration: new Configuration(),
        resourceManager: LeaderTracker.fixed('resource manager', cp.resourceManager.address, TESTING_RESOURCE_MANAGER_ID),
        container: new Container(),
      });
      try {
        const client = cp.rpc.connect<DispatcherGateway>(dispatcher.address, { fencingToken: 'dispatcher-session' });
        await expect(client.listJobs()).rejects.toMatchObject({ code: 'UNKNOWN_FENCING_TOKEN' });
        dispatcher.grantLeadership('dispatcher-session');
        expect(await client.listJobs()).toEqual([]);
        await expect(cp.rpc.connect<DispatcherGateway>(dispatcher.address).listJobs()).rejects.toMatchObject({ code: 'FENCING_TOKEN_MISMATCH' });
      } finally {
        await dispatcher.close();
      }
    });
  });

  it('a TaskExecutor with the wrong session id cannot register, so it offers no slots', async () => {
    const te = new TestingTaskExecutorGateway({ rpc: cp.rpc, resourceId: 'tm-stale', numberOfSlots: 2 });
    await expect(te.registerAt(cp.resourceManager.address, 'not-the-leader')).rejects.toMatchObject({ code: 'FENCING_TOKEN_MISMATCH' });
    const overview = await cp.rpc.connect<ResourceManagerGateway>(cp.resourceManager.address, { fencingToken: TESTING_RESOURCE_MANAGER_ID }).getOverview();
    expect(overview.slotsTotal).toBe(0);
  });
});
