import { LeaderTracker } from '../leader/leader-tracker';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Configuration } from '@flott/core';
import { ExecutionState as E } from '../execution/execution-state';
import type { DispatcherGateway } from '../rpc/gateways';
import { LocalRpcService } from '../rpc/rpc-service';
import { advanceSettling, settle } from '../testing/settle';
import { testingJobGraph, testingJobSubmission } from '../testing/testing-job-submission';
import { TestingJobMasterGateway } from '../testing/testing-job-master-gateway';
import { TestingResourceManagerGateway } from '../testing/testing-resource-manager-gateway';
import { TestingLogger } from '../testing/testing-logger';
import { TestingTaskSlots } from '../testing/testing-task-slot';
import { ManualClock } from '../time/clock';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor';
import { TaskExecutor } from './task-executor';
import { BlobServer } from '../blob/blob-server';
import { BlobStore } from '../blob/blob-store';

const PARTITION_REQUEST_TIMEOUT_MS = 5_000;
const BUNDLE = new TextEncoder().encode('export default 1;\n');
const BUNDLE_SHA = createHash('sha256').update(BUNDLE).digest('hex');

/** What TestingResourceManagerGateway answers a registration with: the session id slot requests must carry. */
const TESTING_RM_ID = 'testing-rm';

describe('TaskExecutor (in-process, testing slots)', () => {
  let clock: ManualClock;
  let rpc: LocalRpcService;
  let rm: TestingResourceManagerGateway;
  let jm: TestingJobMasterGateway;
  let blobFetches: string[];
  /** Where the fake Dispatcher says its blob server is (none: bundles come through getBlob). */
  let blobServerAddress: string | undefined;
  /** When set, getBlob waits for it (a slow bundle download). */
  let blobGate: Promise<void> | undefined;
  let slots: TestingTaskSlots;
  let blobDir: string;
  let te: TaskExecutor;
  let log: TestingLogger;
  let threadLines: string[];
  let rmLeader: LeaderTracker;
  let dispatcherAddress: string;

  beforeEach(async () => {
    clock = new ManualClock();
    rpc = new LocalRpcService(10_000, clock);
    rm = new TestingResourceManagerGateway();
    const rmAddress = rpc.register('resourcemanager', rm);
    jm = new TestingJobMasterGateway(rpc, 'job-1');
    blobFetches = [];
    blobServerAddress = undefined;
    blobGate = undefined;
    dispatcherAddress = rpc.register('dispatcher', {
      getBlob: async (sha256: string) => {
        blobFetches.push(sha256);
        await blobGate;
        return sha256 === BUNDLE_SHA ? BUNDLE : new Uint8Array([1, 2, 3]);
      },
      getBlobServerAddress: async () => blobServerAddress,
    } as Partial<DispatcherGateway>);
    slots = new TestingTaskSlots();
    blobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-te-spec-'));
    log = new TestingLogger('info');
    threadLines = [];
    te = new TaskExecutor({
      logger: log,
      threadLogSink: { level: 'debug', write: (line) => threadLines.push(line) },
      resourceId: 'tm-1',
      configuration: Configuration.fromRecord({
        'taskmanager.numberOfTaskSlots': 2,
        'blob.storage.directory': blobDir,
        'taskmanager.network.partition-request-timeout': PARTITION_REQUEST_TIMEOUT_MS,
      }),
      rpc,
      scheduler: clock,
      resourceManager: (rmLeader = LeaderTracker.fixed('resource manager', rmAddress)),
      dispatcher: LeaderTracker.fixed('dispatcher', dispatcherAddress),
      pluginModules: [],
      slotFactory: slots.factory,
    });
    await te.start();
  });

  afterEach(async () => {
    await te.close();
    await rpc.close();
    fs.rmSync(blobDir, { recursive: true, force: true });
  });

  /** Allocates slot `slotIndex` to job-1 through the JobMaster's accepted offer. */
  const allocate = async (slotIndex: number, allocationId: string): Promise<void> => {
    await te.requestSlot(slotIndex, 'job-1', allocationId, jm.ref, TESTING_RM_ID);
  };

  /** A deployment of the first subtask of the testing job's source into `allocationId`. */
  const deployment = (allocationId: string, overrides: Partial<TaskDeploymentDescriptor> = {}): TaskDeploymentDescriptor => {
    const jobGraph = testingJobGraph({ parallelism: 1 });
    const submission = testingJobSubmission(jobGraph);
    return {
      jobId: 'job-1',
      jobName: jobGraph.jobName,
      attemptId: 'attempt-1',
      attemptNumber: 0,
      allocationId,
      subtaskIndex: 0,
      vertex: jobGraph.vertices[0],
      executeIndex: 0,
      artifactSha256: BUNDLE_SHA,
      args: submission.args,
      jobConfiguration: {},
      inputs: [],
      outputs: [],
      jobMasterAddress: jm.address,
      jobMasterId: jm.ref.jobMasterId,
      ...overrides,
    };
  };

  describe('slots', () => {
    it('registers its slots at the ResourceManager at once; a slot thread starts with its first allocation and stays', async () => {
      expect(slots.created).toEqual([]);
      const dataPort = Number(te.dataAddress!.split(':')[1]);
      expect(te.dataAddress).toBe(`127.0.0.1:${dataPort}`);
      expect(rm.registrations).toEqual([{
        resourceId: 'tm-1', address: te.address, dataPort, slots: [{ slotIndex: 0 }, { slotIndex: 1 }],
        // taskmanager.cpu.cores defaults to the slot count; the task heap is taskmanager.memory.task.heap.size (1 GiB).
        totalResources: { cpuCores: 2, taskHeapMemoryMB: 1024 }, defaultSlotResources: { cpuCores: 1, taskHeapMemoryMB: 512 },
      }]);
      expect(await te.slotStats()).toEqual([]);
      await allocate(1, 'alloc-a');
      expect(slots.created.map((s) => s.slotIndex)).toEqual([1]);
      await te.freeSlot('alloc-a', 'job finished');
      await allocate(1, 'alloc-b');
      expect(slots.created.map((s) => s.slotIndex)).toEqual([1]);
    });

    it('carves a dynamic slot with its own heap, reports it while allocated, and ends its thread when it is freed', async () => {
      const resources = { cpuCores: 0.5, taskHeapMemoryMB: 200 };
      await te.requestSlot(2, 'job-1', 'alloc-dyn', jm.ref, TESTING_RM_ID, resources);
      expect(jm.slotOffers.at(-1)).toMatchObject({ offers: [{ allocationId: 'alloc-dyn', slotIndex: 2, resources }] });
      expect(slots.created.map((s) => s.slotIndex)).toEqual([2]);
      expect(slots.heapLimitsMb).toEqual([200]);
      expect(await te.heartbeatFromResourceManager(TESTING_RM_ID)).toEqual([
        { slotIndex: 0 }, { slotIndex: 1 }, { slotIndex: 2, allocationId: 'alloc-dyn', jobId: 'job-1', resources },
      ]);
      await expect(te.requestSlot(2, 'job-1', 'alloc-other', jm.ref, TESTING_RM_ID, resources)).rejects.toMatchObject({ code: 'SLOT_OCCUPIED' });
      await expect(te.requestSlot(1, 'job-1', 'alloc-bad', jm.ref, TESTING_RM_ID, resources)).rejects.toMatchObject({ code: 'SLOT_NOT_FOUND' });
      await te.freeSlot('alloc-dyn', 'job finished');
      expect(slots.slot(2).posted.map((m) => m.type)).toContain('shutdown');
      expect(await te.heartbeatFromResourceManager(TESTING_RM_ID)).toEqual([{ slotIndex: 0 }, { slotIndex: 1 }]);
      expect(te.numberOfSlots).toBe(2);
    });

    it('frees a requested slot at once when its JobMaster is gone (its job ended before the offer arrived)', async () => {
      jm.close();
      await expect(te.requestSlot(0, 'job-1', 'alloc-late', jm.ref, TESTING_RM_ID)).rejects.toMatchObject({ code: 'RPC_ENDPOINT_NOT_FOUND' });
      expect(rm.availableSlots).toEqual([{ resourceId: 'tm-1', slotIndex: 0, allocationId: 'alloc-late' }]);
      // Free for the next job: requesting it again is not refused as occupied.
      const other = new TestingJobMasterGateway(rpc, 'job-2');
      await te.requestSlot(0, 'job-2', 'alloc-next', other.ref, TESTING_RM_ID);
      expect(other.offeredAllocations()).toEqual(['alloc-next']);
    });

    it('offers a requested slot to the JobMaster and frees it when the offer is refused', async () => {
      await allocate(1, 'alloc-a');
      expect(jm.slotOffers).toEqual([{ taskExecutorId: 'tm-1', taskExecutorAddress: te.address, offers: [{ allocationId: 'alloc-a', slotIndex: 1, dataAddress: te.dataAddress }] }]);
      expect(rm.availableSlots).toEqual([]);

      jm.withOfferSlots(async () => []);
      await allocate(0, 'alloc-b');
      expect(rm.availableSlots).toEqual([{ resourceId: 'tm-1', slotIndex: 0, allocationId: 'alloc-b' }]);
      expect(slots.slot(0).posted).toEqual([{ type: 'release-job', jobId: 'job-1' }]);
      // The slot is free again.
      jm.withOfferSlots(async (call) => [...call.offers]);
      await allocate(0, 'alloc-c');
    });

    it('refuses a slot it does not have and a slot allocated to another allocation', async () => {
      await expect(te.requestSlot(2, 'job-1', 'alloc-a', jm.ref, TESTING_RM_ID)).rejects.toMatchObject({ code: 'SLOT_NOT_FOUND', message: 'TaskExecutor tm-1 has no slot 2' });
      await allocate(0, 'alloc-a');
      await allocate(0, 'alloc-a');
      await expect(te.requestSlot(0, 'job-1', 'alloc-b', jm.ref, TESTING_RM_ID)).rejects.toMatchObject({ code: 'SLOT_OCCUPIED', message: 'Slot 0 is allocated to alloc-a' });
    });

    it("refuses a slot request of a ResourceManager session it is not registered at (a stale leader's)", async () => {
      await expect(te.requestSlot(0, 'job-1', 'alloc-stale', jm.ref, 'an-earlier-session')).rejects.toMatchObject({
        code: 'FENCING_TOKEN_MISMATCH',
        message: expect.stringContaining(`expected ${TESTING_RM_ID}, received an-earlier-session`),
      });
      expect(jm.offeredAllocations()).toEqual([]);
      // The slot stays free for the current leader's request.
      await allocate(0, 'alloc-a');
      expect(jm.offeredAllocations()).toEqual(['alloc-a']);
    });
  });

  describe('tasks', () => {
    it('refuses a task from another JobMaster than the one its slot was offered to (a JobMaster that lost the job)', async () => {
      await allocate(1, 'alloc-a');
      await expect(te.submitTask(deployment('alloc-a', { jobMasterId: 'an-older-jobmaster' }))).rejects.toMatchObject({ code: 'FENCING_TOKEN_MISMATCH' });
      expect(slots.slot(1).postedOf('deploy')).toEqual([]);
    });

    it('deploys into an allocated slot with the bundle fetched once, forwards task states and cancels', async () => {
      await expect(te.submitTask(deployment('alloc-a'))).rejects.toMatchObject({ code: 'SLOT_NOT_ALLOCATED', message: 'No slot with allocation alloc-a on tm-1' });
      await allocate(1, 'alloc-a');

      await te.submitTask(deployment('alloc-a'));
      await te.submitTask(deployment('alloc-a', { attemptId: 'attempt-2', subtaskIndex: 1 }));
      expect(blobFetches).toEqual([BUNDLE_SHA]);
      const deploys = slots.slot(1).postedOf('deploy');
      expect(deploys.map((d) => d.tdd.attemptId)).toEqual(['attempt-1', 'attempt-2']);
      expect(fs.readFileSync(deploys[0].artifactPath)).toEqual(Buffer.from(BUNDLE));
      expect(deploys[0].artifactPath.startsWith(blobDir)).toBe(true);
      expect(slots.created.map((s) => s.slotIndex)).toEqual([1]); // slot 0 was never needed: no thread

      slots.slot(1).emit({ type: 'task-state', update: { jobId: 'job-1', attemptId: 'attempt-1', state: E.RUNNING } });
      slots.slot(1).emit({ type: 'task-state', update: { jobId: 'job-1', attemptId: 'attempt-1', state: E.FINISHED, accumulators: { n: 3 } } });
      slots.slot(1).emit({ type: 'task-state', update: { jobId: 'job-1', attemptId: 'unknown', state: E.RUNNING } });
      await settle();
      expect(jm.stateUpdates).toEqual([
        { jobId: 'job-1', attemptId: 'attempt-1', state: E.RUNNING },
        { jobId: 'job-1', attemptId: 'attempt-1', state: E.FINISHED, accumulators: { n: 3 } },
      ]);

      await te.cancelTask('attempt-1');
      await te.cancelTask('attempt-2');
      expect(slots.slot(1).postedOf('cancel')).toEqual([{ type: 'cancel', attemptId: 'attempt-2' }]);
    });

    it('does not start an attempt the JobMaster canceled while its bundle was fetched: it reports it CANCELED', async () => {
      let release!: () => void;
      blobGate = new Promise((resolve) => (release = resolve));
      await allocate(1, 'alloc-a');
      const submitted = te.submitTask(deployment('alloc-a'));
      await settle();
      await te.cancelTask('attempt-1');
      release();
      await submitted;
      expect(slots.slot(1).postedOf('deploy')).toEqual([]);
      await settle();
      expect(jm.stateUpdates).toEqual([{ jobId: 'job-1', attemptId: 'attempt-1', state: E.CANCELED }]);
    });

    it('logs a task state report the JobMaster did not take at WARN and fails the task (its progress is unknown there)', async () => {
      jm.withUpdateTaskExecutionState(async (u) => {
        if (u.state === E.RUNNING) throw new Error('JobMaster unreachable');
        return true;
      });
      await allocate(1, 'alloc-a');
      await te.submitTask(deployment('alloc-a'));
      slots.slot(1).emit({ type: 'task-state', update: { jobId: 'job-1', attemptId: 'attempt-1', state: E.RUNNING } });
      await settle();
      expect(slots.slot(1).postedOf('fail-task').map((m) => [m.attemptId, m.error.message])).toEqual([
        ['attempt-1', 'Could not report state RUNNING of Source: numbers (1/1)#0 (attempt-1) to the JobMaster: JobMaster unreachable'],
      ]);
      slots.slot(1).emit({ type: 'task-state', update: { jobId: 'job-1', attemptId: 'attempt-1', state: E.FAILED } });
      await settle();

      expect(jm.stateUpdates.map((u) => u.state)).toEqual([E.RUNNING, E.FAILED]);
      const warnings = log.at('warn', 'Could not report state RUNNING');
      expect(warnings).toHaveLength(1);
      expect(warnings[0].fields).toMatchObject({ resourceId: 'tm-1', jobId: 'job-1', attemptId: 'attempt-1', attempt: 0, subtask: 0, state: E.RUNNING });
      expect((warnings[0].fields.err as Error).message).toBe('JobMaster unreachable');
    });

    it('writes the log lines its slot threads send to the thread log sink', async () => {
      await allocate(0, 'alloc-a');
      slots.slot(0).emit({ type: 'log', line: '{"msg":"from slot 0"}\n' });
      expect(threadLines).toEqual(['{"msg":"from slot 0"}\n']);
    });

    it('rejects a deployment whose bundle does not match its hash', async () => {
      await allocate(0, 'alloc-a');
      const sha = 'ef'.repeat(32);
      await expect(te.submitTask(deployment('alloc-a', { artifactSha256: sha }))).rejects.toMatchObject({ code: 'BLOB_CORRUPT', data: { sha256: sha } });
      expect(slots.slot(0).posted).toEqual([]);
    });

    it('fetches the bundle from the JobManager\'s blob server over HTTP when there is one, verified on arrival', async () => {
      const store = new BlobStore({ directory: path.join(blobDir, 'server'), maxBytes: 1 << 20, cleanupIntervalMs: 60_000, clock, scheduler: clock });
      const server = new BlobServer({ store, host: '127.0.0.1', port: 0, maxConnections: 4, requestTimeoutMs: 10_000 });
      blobServerAddress = await server.start();
      try {
        await store.put(BUNDLE_SHA, BUNDLE);
        await allocate(0, 'alloc-a');
        await te.submitTask(deployment('alloc-a'));
        expect(blobFetches).toEqual([]);
        const [deploy] = slots.slot(0).postedOf('deploy');
        expect(fs.readFileSync(deploy.artifactPath)).toEqual(Buffer.from(BUNDLE));
        // A bundle the server does not have fails the deployment with the server's reason.
        const missing = 'cd'.repeat(32);
        await expect(te.submitTask(deployment('alloc-a', { attemptId: 'attempt-2', artifactSha256: missing }))).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND' });
      } finally {
        await server.close();
        store.close();
      }
    });

    it('cancels the tasks of a freed slot, drops the job there and tells the ResourceManager', async () => {
      await allocate(0, 'alloc-a');
      await te.submitTask(deployment('alloc-a'));
      await te.freeSlot('alloc-a', 'job CANCELED');
      expect(slots.slot(0).posted.slice(1)).toEqual([
        { type: 'cancel', attemptId: 'attempt-1' },
        { type: 'release-job', jobId: 'job-1' },
      ]);
      expect(rm.availableSlots).toEqual([{ resourceId: 'tm-1', slotIndex: 0, allocationId: 'alloc-a' }]);
      await te.freeSlot('alloc-a', 'twice');
      expect(rm.availableSlots).toHaveLength(1);
    });

    it('starts a new thread for an allocated slot whose thread died, reports the failure of its tasks, and deploys into it', async () => {
      await allocate(0, 'alloc-a');
      await te.submitTask(deployment('alloc-a'));
      const dead = slots.slot(0);
      dead.exit(134, new Error('out of memory'));
      await settle();
      expect(slots.created).toHaveLength(2);

      expect(jm.stateUpdates).toHaveLength(1);
      const [update] = jm.stateUpdates;
      expect(update).toMatchObject({ jobId: 'job-1', attemptId: 'attempt-1', state: E.FAILED });
      expect(update.error).toMatchObject({
        code: 'TASK_FAILED',
        message: 'Task Source: numbers (1/1)#0 failed: Slot 0 of TaskManager tm-1 died (exit code 134): out of memory',
        cause: { code: 'SLOT_THREAD_DIED', data: { slotIndex: 0, code: 134 } },
      });
      // The replacement takes the next deployment of the same allocation.
      await te.submitTask(deployment('alloc-a', { attemptId: 'attempt-2', attemptNumber: 1 }));
      expect(slots.created).toHaveLength(2);
      expect(slots.slot(0)).not.toBe(dead);
      expect(slots.slot(0).postedOf('deploy').map((d) => d.tdd.attemptId)).toEqual(['attempt-2']);
    });
  });

  describe('slot threads\' own data servers', () => {
    /** A TaskExecutor whose slots say they are ready with their own server's address (`addressOf`). */
    const withSlotServers = async (addressOf: (slotIndex: number, port: number) => string, config: Record<string, unknown> = {}, slotDataServers?: boolean): Promise<TaskExecutor> => {
      await te.close();
      slots = new TestingTaskSlots().withDataServers((slotIndex, workerData) => (workerData.dataServer ? addressOf(slotIndex, workerData.dataServer.port) : undefined));
      te = new TaskExecutor({
        logger: log,
        resourceId: 'tm-1',
        configuration: Configuration.fromRecord({ 'taskmanager.numberOfTaskSlots': 2, 'blob.storage.directory': blobDir, ...config }),
        rpc,
        scheduler: clock,
        resourceManager: rmLeader,
        dispatcher: LeaderTracker.fixed('dispatcher', dispatcherAddress),
        pluginModules: [],
        slotFactory: slots.factory,
        ...(slotDataServers === undefined ? {} : { slotDataServers }),
      });
      await te.start();
      return te;
    };

    it('gives each slot thread a server on its TaskManager\'s host and offers the slot with its address; a replacement thread asks for the same port', async () => {
      await withSlotServers((slotIndex, port) => `127.0.0.1:${port === 0 ? 7000 + slotIndex : port}`);
      await allocate(1, 'alloc-a');
      expect(slots.workerData[0].dataServer).toEqual({ bindHost: '127.0.0.1', advertisedHost: '127.0.0.1', port: 0 });
      expect(jm.slotOffers.map((o) => o.offers)).toEqual([[{ allocationId: 'alloc-a', slotIndex: 1, dataAddress: te.dataAddress, slotDataAddress: '127.0.0.1:7001' }]]);

      await te.submitTask(deployment('alloc-a'));
      slots.slot(1).exit(134, new Error('out of memory'));
      await settle();
      // The allocated slot's new thread starts at once, and the task's failure is reported once it is ready.
      expect(slots.created).toHaveLength(2);
      expect(jm.stateUpdates.map((u) => u.state)).toEqual([E.FAILED]);
      await te.submitTask(deployment('alloc-a', { attemptId: 'attempt-2', attemptNumber: 1 }));
      await settle();
      // The JobMaster still sends consumers to 127.0.0.1:7001: the new thread listens there, and the slot stays.
      expect(slots.workerData[1].dataServer).toEqual({ bindHost: '127.0.0.1', advertisedHost: '127.0.0.1', port: 7001 });
      expect(rm.availableSlots).toEqual([]);
      expect(slots.slot(1).postedOf('deploy').map((d) => d.tdd.attemptId)).toEqual(['attempt-2']);
    });

    it('frees a slot whose replacement thread could not listen on its predecessor\'s port, so it is offered again with the new address', async () => {
      let restarts = 0;
      await withSlotServers((slotIndex, port) => (port === 0 ? `127.0.0.1:${7000 + slotIndex}` : `127.0.0.1:${8000 + ++restarts}`));
      await allocate(0, 'alloc-a');
      await te.submitTask(deployment('alloc-a'));
      slots.slot(0).exit(134, new Error('out of memory'));
      await settle();
      // The allocated slot's new thread started at once: its ready message named another address.
      expect(slots.created).toHaveLength(2);
      expect(rm.availableSlots).toEqual([{ resourceId: 'tm-1', slotIndex: 0, allocationId: 'alloc-a' }]);
      await expect(te.submitTask(deployment('alloc-a', { attemptId: 'attempt-2', attemptNumber: 1 }))).rejects.toMatchObject({ code: 'SLOT_NOT_ALLOCATED' });
      expect(log.at('info', 'Freeing slot 0 (alloc-a)').map((r) => r.msg)).toEqual(["Freeing slot 0 (alloc-a): slot 0's data server moved from 127.0.0.1:7000 to 127.0.0.1:8001."]);
      await allocate(0, 'alloc-b');
      expect(jm.slotOffers.at(-1)?.offers).toEqual([{ allocationId: 'alloc-b', slotIndex: 0, dataAddress: te.dataAddress, slotDataAddress: '127.0.0.1:8001' }]);
    });

    it('gives slot threads no servers with a fixed taskmanager.data.port, or without peers', async () => {
      const port = await new Promise<number>((resolve) => {
        const probe = net.createServer().listen(0, '127.0.0.1', () => {
          const p = (probe.address() as net.AddressInfo).port;
          probe.close(() => resolve(p));
        });
      });
      await withSlotServers(() => '127.0.0.1:7000', { 'taskmanager.data.port': port });
      await allocate(0, 'alloc-a');
      await withSlotServers(() => '127.0.0.1:7000', {}, false);
      await allocate(0, 'alloc-b');
      expect(slots.workerData.map((d) => d.dataServer)).toEqual([]);
    });
  });

  describe('partitions and operator events', () => {
    // Both slots run tasks: their threads are started.
    beforeEach(async () => {
      await allocate(0, 'alloc-0');
      await allocate(1, 'alloc-1');
    });

    it('connects a consumer to a partition of its own slot locally and to another slot through a channel', () => {
      const [producer, consumer] = [slots.slot(0), slots.slot(1)];
      producer.emit({ type: 'partition-registered', partitionKey: 'p@1', jobId: 'job-1' });
      producer.emit({ type: 'request-partition', requestId: 7, partitionKey: 'p@1', subpartition: 0 });
      expect(producer.posted).toEqual([{ type: 'connect-local', requestId: 7 }]);

      consumer.emit({ type: 'request-partition', requestId: 8, partitionKey: 'p@1', subpartition: 1 });
      expect(producer.posted.slice(1)).toEqual([{ type: 'attach-consumer', partitionKey: 'p@1', subpartition: 1, port: expect.anything() }]);
      expect(consumer.posted).toEqual([{ type: 'connect-channel', requestId: 8, port: expect.anything() }]);
    });

    it('forwards a running task\'s first data of a pipelined partition to its JobMaster', async () => {
      await te.submitTask(deployment('alloc-0'));
      slots.slot(0).emit({ type: 'partition-data-available', partitionKey: 'ds_0@attempt-1', attemptId: 'attempt-1' });
      slots.slot(0).emit({ type: 'partition-data-available', partitionKey: 'ds_0@gone', attemptId: 'gone' });
      slots.slot(0).emit({ type: 'end-of-data', attemptId: 'attempt-1' });
      slots.slot(0).emit({ type: 'end-of-data', attemptId: 'gone' });
      await settle();
      expect(jm.partitionsWithData).toEqual(['attempt-1 ds_0@attempt-1']);
      expect(jm.endOfData).toEqual(['attempt-1']);

      // A notification the JobMaster did not get fails the task (as Flink's): its consumers might never be deployed.
      jm.notifyPartitionDataAvailable = async () => {
        throw new Error('JobMaster unreachable');
      };
      slots.slot(0).emit({ type: 'partition-data-available', partitionKey: 'ds_1@attempt-1', attemptId: 'attempt-1' });
      await settle();
      expect(slots.slot(0).postedOf('fail-task').map((m) => [m.attemptId, m.error.message])).toEqual([
        ['attempt-1', 'Could not tell the JobMaster that partition ds_1@attempt-1 has data: JobMaster unreachable'],
      ]);
    });

    it('lets a request wait for its partition, up to taskmanager.network.partition-request-timeout', async () => {
      const [producer, consumer] = [slots.slot(0), slots.slot(1)];
      consumer.emit({ type: 'request-partition', requestId: 1, partitionKey: 'early@1', subpartition: 0 });
      consumer.emit({ type: 'request-partition', requestId: 2, partitionKey: 'never@1', subpartition: 0 });
      clock.advance(PARTITION_REQUEST_TIMEOUT_MS - 1);
      producer.emit({ type: 'partition-registered', partitionKey: 'early@1', jobId: 'job-1' });
      expect(consumer.posted).toEqual([{ type: 'connect-channel', requestId: 1, port: expect.anything() }]);

      clock.advance(1);
      expect(consumer.posted.slice(1)).toEqual([
        {
          type: 'connect-failed',
          requestId: 2,
          error: expect.objectContaining({
            code: 'PARTITION_NOT_FOUND',
            message: `Result partition never@1 did not appear within ${PARTITION_REQUEST_TIMEOUT_MS} ms (taskmanager.network.partition-request-timeout)`,
          }),
        },
      ]);
      clock.advance(PARTITION_REQUEST_TIMEOUT_MS);
      expect(consumer.posted).toHaveLength(2);
    });

    it('forwards operator events of a known attempt to its JobMaster and answers the others with an error', async () => {
      await te.submitTask(deployment('alloc-0'));
      const slot = slots.slot(0);
      const envelope = { jobId: 'job-1', attemptId: 'attempt-1', operatorId: 'op', event: { kind: 'batch', n: 1 } };
      slot.emit({ type: 'operator-event', requestId: 1, envelope });
      slot.emit({ type: 'operator-event', requestId: 2, envelope: { ...envelope, attemptId: 'gone' } });
      await settle();
      expect(jm.operatorEvents).toEqual([envelope]);
      expect(slot.postedOf('operator-event-reply')).toEqual([
        { type: 'operator-event-reply', requestId: 2, error: expect.objectContaining({ code: 'UNKNOWN_ATTEMPT', message: 'Task attempt is gone' }) },
        { type: 'operator-event-reply', requestId: 1, result: undefined },
      ]);
    });
  });

  it('answers a stats request with the heap of all its slots and the samples of every task in them', async () => {
    await allocate(0, 'alloc-0');
    await allocate(1, 'alloc-1');
    const answer = te.requestTaskManagerStats();
    const sample = (attempt: string, backPressuredMs: number) => ({ [attempt]: { elapsedMs: 1_000, idleMs: 100, backPressuredMs } });
    for (const [i, attempt] of ['a0', 'a1'].entries()) {
      const [request] = slots.slot(i).postedOf('stats');
      slots.slot(i).emit({
        type: 'stats-reply',
        requestId: request.requestId,
        stats: { runningTasks: 1, heapUsedBytes: 1_000 * (i + 1), partitions: {}, taskTimes: sample(attempt, 10 * i), inputWatermarks: { [attempt]: i === 0 ? -Infinity : 42 }, taskRecords: { [attempt]: { in: i, out: 10 + i } } },
      });
    }
    expect(await answer).toEqual({
      heapUsedBytes: 3_000,
      taskTimes: { ...sample('a0', 0), ...sample('a1', 10) },
      inputWatermarks: { a0: -Infinity, a1: 42 },
      taskRecords: { a0: { in: 0, out: 10 }, a1: { in: 1, out: 11 } },
    });
  });

  describe('heartbeats (heartbeat.interval 10 s, heartbeat.timeout 50 s)', () => {
    const advance = (ms: number): Promise<void> => advanceSettling(clock, ms);

    it('answers the ResourceManager with its slots and a JobMaster with the attempts of its job that run here', async () => {
      await allocate(0, 'alloc-a');
      expect(await te.heartbeatFromResourceManager('rm')).toEqual([{ slotIndex: 0, allocationId: 'alloc-a', jobId: 'job-1' }, { slotIndex: 1 }]);
      await te.submitTask(deployment('alloc-a', { attemptId: 'att-1' }));
      expect(await te.heartbeatFromJobManager('job-1')).toEqual(['att-1']);
      expect(await te.heartbeatFromJobManager('job-other')).toEqual([]);
    });

    it('frees an accepted slot of the job that its JobMaster heartbeat no longer lists; keeps the listed ones and those of other jobs', async () => {
      await allocate(0, 'alloc-a');
      await allocate(1, 'alloc-b');
      await te.submitTask(deployment('alloc-b', { attemptId: 'att-b' }));
      expect(await te.heartbeatFromJobManager('job-1', ['alloc-a', 'alloc-b'])).toEqual(['att-b']);
      expect(await te.heartbeatFromJobManager('job-other', [])).toEqual([]);
      expect(rm.availableSlots).toEqual([]);
      // The JobMaster gave alloc-b up (the ResourceManager reported it failed) but the TaskExecutor never heard it.
      await te.heartbeatFromJobManager('job-1', ['alloc-a']);
      await settle();
      expect(rm.availableSlots).toEqual([{ resourceId: 'tm-1', slotIndex: 1, allocationId: 'alloc-b' }]);
      expect(slots.slot(1).postedOf('cancel')).toEqual([{ type: 'cancel', attemptId: 'att-b' }]);
      expect(te.slotAllocations()).toEqual([{ slotIndex: 0, allocationId: 'alloc-a', jobId: 'job-1' }, { slotIndex: 1 }]);
    });

    it('registers at the ResourceManager again, with its allocations, when the ResourceManager stops asking', async () => {
      await allocate(0, 'alloc-a');
      for (let i = 0; i < 5; i++) {
        await advance(10_000);
        await te.heartbeatFromResourceManager('rm');
        await te.heartbeatFromJobManager('job-1');
      }
      expect(rm.registrations).toHaveLength(1);
      await advance(50_000);
      expect(rm.registrations).toHaveLength(2);
      expect(rm.registrations[1].slots).toEqual([{ slotIndex: 0, allocationId: 'alloc-a', jobId: 'job-1' }, { slotIndex: 1 }]);
    });

    it('registers at a new ResourceManager leader with its allocations, and takes slot requests of its session only', async () => {
      await allocate(0, 'alloc-a');
      const next = new TestingResourceManagerGateway();
      const nextAddress = rpc.register('resourcemanager-2', next);
      rmLeader.notifyLeaderAddress(nextAddress, 'session-2');
      await settle();
      expect(next.registrations.map((r) => r.slots)).toEqual([[{ slotIndex: 0, allocationId: 'alloc-a', jobId: 'job-1' }, { slotIndex: 1 }]]);
      // The new leader answers with its own id (the testing gateway's); the old session's requests are refused from now on.
      await expect(te.requestSlot(1, 'job-1', 'alloc-b', jm.ref, 'old-session')).rejects.toMatchObject({ code: 'FENCING_TOKEN_MISMATCH' });
      await te.freeSlot('alloc-a', 'job finished');
      expect(next.availableSlots).toEqual([{ resourceId: 'tm-1', slotIndex: 0, allocationId: 'alloc-a' }]);
    });

    it('frees the slots of a job whose JobMaster stops asking, cancelling its tasks', async () => {
      await allocate(0, 'alloc-a');
      await te.submitTask(deployment('alloc-a', { attemptId: 'att-1' }));
      await advance(49_000);
      await te.heartbeatFromJobManager('job-1');
      await advance(49_000);
      expect(rm.availableSlots).toEqual([]);
      await advance(1_000);
      expect(rm.availableSlots).toEqual([{ resourceId: 'tm-1', slotIndex: 0, allocationId: 'alloc-a' }]);
      expect(slots.slot(0).postedOf('cancel')).toEqual([{ type: 'cancel', attemptId: 'att-1' }]);
      expect(log.at('warn', 'The JobMaster of job job-1 sent no heartbeat request for 50000 ms')).toHaveLength(1);
    });
  });
});
