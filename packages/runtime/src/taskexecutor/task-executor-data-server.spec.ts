import { LeaderTracker } from '../leader/leader-tracker';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Configuration } from '@flott/core';
import { DataClientConnections, DirectRemoteChannel, producerEndpointFromPort } from '../network';
import type { DispatcherGateway } from '../rpc/gateways';
import { LocalRpcService } from '../rpc/rpc-service';
import { TestingResourceManagerGateway } from '../testing/testing-resource-manager-gateway';
import { TestingJobMasterGateway } from '../testing/testing-job-master-gateway';
import { TestingTaskSlots } from '../testing/testing-task-slot';
import { ManualClock, SystemScheduler } from '../time/clock';
import { waitUntil as until } from '../testing/wait-until';
import { TaskExecutor } from './task-executor';

describe('a TaskExecutor\'s data server: its slots\' partitions for consumers on other TaskManagers', () => {
  const clock = new ManualClock();
  const scheduler = new SystemScheduler();
  let rpc: LocalRpcService;
  let blobDir: string;
  let te: TaskExecutor | undefined;
  let slots: TestingTaskSlots;
  /** The connections of a consumer slot thread on another TaskManager. */
  let consumerSlot: DataClientConnections;

  beforeEach(async () => {
    rpc = new LocalRpcService(10_000, clock);
    const jm = new TestingJobMasterGateway(rpc, 'job-1');
    const rmAddress = rpc.register('resourcemanager', new TestingResourceManagerGateway());
    const dispatcherAddress = rpc.register('dispatcher', {} as Partial<DispatcherGateway>);
    blobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-te-remote-spec-'));
    slots = new TestingTaskSlots().withPortsKept();
    te = new TaskExecutor({
      resourceId: 'tm-1',
      configuration: Configuration.fromRecord({ 'taskmanager.numberOfTaskSlots': 1, 'blob.storage.directory': blobDir }),
      rpc, scheduler: clock, resourceManager: LeaderTracker.fixed('resource manager', rmAddress), dispatcher: LeaderTracker.fixed('dispatcher', dispatcherAddress), pluginModules: [], slotFactory: slots.factory,
    });
    await te.start();
    // Its slot runs a task of the job: the slot's thread starts with the allocation.
    await te.requestSlot(0, 'job-1', 'alloc-tm-1', jm.ref, 'testing-rm');
    consumerSlot = new DataClientConnections({ segmentSize: 32 * 1024, connectTimeoutMs: 5000, scheduler });
  });

  afterEach(async () => {
    consumerSlot.close();
    await te?.close();
    await rpc.close();
    fs.rmSync(blobDir, { recursive: true, force: true });
  });

  it('serves a partition of its slot over TCP through the slot\'s port, and fails the consumer when it shuts down', async () => {
    const producerSlot = slots.slot(0);
    producerSlot.emit({ type: 'partition-registered', partitionKey: 'p@prod', jobId: 'job-1', attemptId: 'prod' });
    const dataAddress = te!.dataAddress!;
    const channel = new DirectRemoteChannel();
    const failures: Error[] = [];
    consumerSlot.requestPartition(dataAddress, 'p@prod', 1, channel.consumer, (e) => failures.push(e));
    const consumer = channel.endpoint;
    const received: number[][] = [];
    consumer.onBuffer((b, n) => {
      received.push([...new Uint8Array(b as ArrayBuffer, 0, n)]);
      consumer.sendCredit(1, [b]);
    });
    consumer.sendCredit(2, []);

    // The producer slot is attached once the request crossed.
    const attach = await until(() => producerSlot.postedOf('attach-consumer')[0], 'the producer slot to be attached');
    expect(attach).toMatchObject({ partitionKey: 'p@prod', subpartition: 1 });
    const endpoint = producerEndpointFromPort(attach.port);
    let credits = 0;
    endpoint.onCredit((c) => (credits += c));
    await until(() => credits === 2, 'the initial credit');
    for (let i = 0; i < 5; i++) {
      await until(() => credits > 0, 'credit');
      credits--;
      endpoint.sendBuffer(new Uint8Array([i, i + 1]).buffer, 2);
    }
    await until(() => received.length === 5, 'five buffers');
    expect(received).toEqual([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]);
    expect(te!.dataConnectionCount).toBe(1);

    // The producer's TaskManager goes away: the consumer fails, naming it.
    await te!.close();
    te = undefined;
    await until(() => failures.length > 0, 'the consumer to fail');
    expect(failures[0]).toMatchObject({
      code: 'REMOTE_TRANSPORT',
      message: `Data connection to TaskManager ${dataAddress}: the peer reported: TaskManager data server ${dataAddress} shut down`,
    });
  });

  it('a partition that never appears on the TaskManager fails the consumer with PartitionNotFound after the timeout', async () => {
    const channel = new DirectRemoteChannel();
    const failures: Error[] = [];
    consumerSlot.requestPartition(te!.dataAddress!, 'never@1', 0, channel.consumer, (e) => failures.push(e));
    channel.endpoint.sendCredit(1, []);
    // Time passes on the producer's side (its request timeout, 10 s by default) whenever the request got there.
    await until(() => {
      clock.advance(10_000);
      return failures.length > 0;
    }, 'the consumer to fail');
    expect(failures[0]).toMatchObject({ code: 'PARTITION_NOT_FOUND', message: 'Result partition never@1 did not appear within 10000 ms (taskmanager.network.partition-request-timeout)' });
  });
});
