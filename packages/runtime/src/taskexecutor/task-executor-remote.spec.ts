import { LeaderTracker } from '../leader/leader-tracker';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Configuration } from '@flott/core';
import { consumerEndpointFromPort, producerEndpointFromPort } from '../network';
import type { DispatcherGateway } from '../rpc/gateways';
import { LocalRpcService } from '../rpc/rpc-service';
import { TestingResourceManagerGateway } from '../testing/testing-resource-manager-gateway';
import { TestingJobMasterGateway } from '../testing/testing-job-master-gateway';
import { TestingTaskSlots } from '../testing/testing-task-slot';
import { ManualClock } from '../time/clock';
import { waitUntil as until } from '../testing/wait-until';
import type { ToSlot } from './slot-protocol';
import { TaskExecutor } from './task-executor';

describe('TaskExecutors on two TaskManagers: channels over their data servers', () => {
  const clock = new ManualClock();
  let rpc: LocalRpcService;
  let blobDir: string;
  const tms: Array<{ te: TaskExecutor; slots: TestingTaskSlots }> = [];

  beforeEach(async () => {
    rpc = new LocalRpcService(10_000, clock);
    const jm = new TestingJobMasterGateway(rpc, 'job-1');
    const rmAddress = rpc.register('resourcemanager', new TestingResourceManagerGateway());
    const dispatcherAddress = rpc.register('dispatcher', {} as Partial<DispatcherGateway>);
    blobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-te-remote-spec-'));
    for (const id of ['tm-1', 'tm-2']) {
      const slots = new TestingTaskSlots().withPortsKept();
      const te = new TaskExecutor({
        resourceId: id,
        configuration: Configuration.fromRecord({ 'taskmanager.numberOfTaskSlots': 1, 'blob.storage.directory': blobDir }),
        rpc, scheduler: clock, resourceManager: LeaderTracker.fixed('resource manager', rmAddress), dispatcher: LeaderTracker.fixed('dispatcher', dispatcherAddress), pluginModules: [], slotFactory: slots.factory,
      });
      await te.start();
      // Its slot runs a task of the job: the slot's thread starts with the allocation.
      await te.requestSlot(0, 'job-1', `alloc-${id}`, jm.ref, 'testing-rm');
      tms.push({ te, slots });
    }
  });

  afterEach(async () => {
    for (const { te } of tms.splice(0)) await te.close();
    await rpc.close();
    fs.rmSync(blobDir, { recursive: true, force: true });
  });

  const postedOf = <T extends ToSlot['type']>(tm: number, type: T) => tms[tm].slots.slot(0).postedOf(type);

  it('connects a consumer slot to a producer slot of another TaskManager over one TCP connection, and fails the consumer when it is lost', async () => {
    const [tm1, tm2] = tms;
    const producerSlot = tm1.slots.slot(0);
    const consumerSlot = tm2.slots.slot(0);
    producerSlot.emit({ type: 'partition-registered', partitionKey: 'p@prod', jobId: 'job-1', attemptId: 'prod' });
    const producer = { resourceId: 'tm-1', dataAddress: tm1.te.dataAddress! };
    consumerSlot.emit({ type: 'request-partition', requestId: 3, partitionKey: 'p@prod', subpartition: 1, attemptId: 'cons', producer });

    // The consumer gets its port at once; the producer slot is attached once the request crossed.
    const [connect] = postedOf(1, 'connect-channel');
    expect(connect.requestId).toBe(3);
    const consumer = consumerEndpointFromPort(connect.port);
    const received: number[][] = [];
    consumer.onBuffer((b, n) => {
      received.push([...new Uint8Array(b, 0, n)]);
      consumer.sendCredit(1, [b]);
    });
    consumer.sendCredit(2, []);
    const attach = await until(() => postedOf(0, 'attach-consumer')[0], 'the producer slot to be attached');
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
    expect(tm2.te.dataConnectionCount).toEqual({ incoming: 0, outgoing: 1 });
    expect(tm1.te.dataConnectionCount).toEqual({ incoming: 1, outgoing: 0 });

    // The producer's TaskManager goes away: the consumer's task fails, naming it.
    await tm1.te.close();
    tms.splice(0, 1);
    const [failed] = await until(() => (postedOf(0, 'fail-task').length > 0 && postedOf(0, 'fail-task')), 'the consumer to fail');
    expect(failed).toMatchObject({
      attemptId: 'cons',
      error: { code: 'REMOTE_TRANSPORT', message: `Data connection to TaskManager ${producer.dataAddress}: the peer reported: TaskManager data server ${producer.dataAddress} shut down` },
    });
  });

  it('a partition that never appears on the producer TaskManager fails the consumer with PartitionNotFound after the timeout', async () => {
    const [tm1] = tms;
    tms[1].slots.slot(0).emit({
      type: 'request-partition', requestId: 1, partitionKey: 'never@1', subpartition: 0, attemptId: 'cons',
      producer: { resourceId: 'tm-1', dataAddress: tm1.te.dataAddress! },
    });
    consumerEndpointFromPort(postedOf(1, 'connect-channel')[0].port).sendCredit(1, []);
    // Time passes on the producer's side (its request timeout, 10 s by default) whenever the request got there.
    const [failed] = await until(() => {
      clock.advance(10_000);
      return postedOf(1, 'fail-task').length > 0 && postedOf(1, 'fail-task');
    }, 'the consumer to fail');
    expect(failed).toMatchObject({ attemptId: 'cons', error: { code: 'PARTITION_NOT_FOUND', message: 'Result partition never@1 did not appear within 10000 ms (taskmanager.network.partition-request-timeout)' } });
  });
});
