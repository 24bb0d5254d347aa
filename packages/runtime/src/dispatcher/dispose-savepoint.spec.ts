import { Container, ContainerModule } from 'inversify';
import { Configuration } from '@flott/core';
import { encodeCheckpointMetadata } from '../checkpoint/format';
import type { DispatcherGateway } from '../rpc/gateways';
import { CheckpointStorageFactory } from '../spi/checkpoint-storage';
import { TestingCheckpointStorage } from '../testing/testing-checkpoint-services';
import { TestingControlPlane } from '../testing/testing-control-plane';
import { testingBlobStore } from '../testing/testing-blob-store';
import { Dispatcher } from './dispatcher';

describe('Dispatcher#disposeSavepoint (flott savepoint --dispose)', () => {
  let cp: TestingControlPlane;
  let dispatcher: Dispatcher;
  let client: DispatcherGateway;
  let storage: TestingCheckpointStorage;

  beforeEach(() => {
    cp = new TestingControlPlane();
    storage = new TestingCheckpointStorage();
    const metadata = (checkpointId: number, type: 'CHECKPOINT' | 'SAVEPOINT') => encodeCheckpointMetadata({ checkpointId, jobId: 'j'.repeat(32), type, timestamp: 1, operators: [] });
    storage.metadata.set('mem://savepoints/savepoint-3/_metadata', metadata(3, 'SAVEPOINT'));
    storage.metadata.set('mem://job/chk-4/_metadata', metadata(4, 'CHECKPOINT'));
    const container = new Container();
    container.loadSync(
      new ContainerModule(({ bind }) => {
        bind(CheckpointStorageFactory).toConstantValue({ name: 'jobmanager', create: () => ({ name: 'jobmanager', createCheckpointStorageAccess: () => storage }) });
      }),
    );
    dispatcher = new Dispatcher({ blobStore: testingBlobStore(cp.clock), rpc: cp.rpc, clock: cp.clock, scheduler: cp.clock, configuration: new Configuration(), resourceManager: cp.resourceManagerLeader(), container });
    dispatcher.grantLeadership('dispatcher-session');
    client = cp.rpc.connect<DispatcherGateway>(dispatcher.address, { fencingToken: 'dispatcher-session' });
  });

  afterEach(async () => {
    await dispatcher.close();
    await cp.close();
  });

  it('discards the savepoint named by its directory or its _metadata file', async () => {
    await client.disposeSavepoint('mem://savepoints/savepoint-3/_metadata');
    expect(storage.discarded).toEqual([3]);
    expect([...storage.metadata.keys()]).toEqual(['mem://job/chk-4/_metadata']);
  });

  it('disposes a moved savepoint, whose metadata names its files relative to its directory, through a storage that resolves them', async () => {
    const file = { kind: 'file' as const, uri: 'mem://old/savepoint-5/op-0-operator', size: 3 };
    const moved = encodeCheckpointMetadata(
      { checkpointId: 5, jobId: 'j'.repeat(32), type: 'SAVEPOINT', timestamp: 1, operators: [{ operatorId: 'op', name: 'Map', parallelism: 1, maxParallelism: 1, subtasks: [{ operator: file }] }] },
      'mem://old/savepoint-5',
    );
    storage.metadata.set('mem://archive/sp/_metadata', moved);
    // Without directoryUri the storage cannot say where the relative file is: the metadata is refused, nothing is discarded.
    await expect(client.disposeSavepoint('mem://archive/sp')).rejects.toThrow("the state file 'op-0-operator' is named relative to the metadata's directory");
    expect(storage.discarded).toEqual([]);

    const asked: string[] = [];
    Object.assign(storage, { directoryUri: async (pointer: string) => (asked.push(pointer), pointer.replace(/\/_metadata$/, '')) });
    await client.disposeSavepoint('mem://archive/sp');
    expect(asked).toEqual(['mem://archive/sp']);
    expect(storage.discarded).toEqual([5]);
    expect(storage.metadata.has('mem://archive/sp/_metadata')).toBe(false);
  });

  it('refuses a checkpoint, and names a path with no savepoint', async () => {
    await expect(client.disposeSavepoint('mem://job/chk-4')).rejects.toMatchObject({
      code: 'NOT_A_SAVEPOINT',
      message: `mem://job/chk-4 is checkpoint 4 of job ${'j'.repeat(32)}, not a savepoint; checkpoints are removed with their job's retention`,
    });
    await expect(client.disposeSavepoint('mem://elsewhere')).rejects.toMatchObject({ code: 'CHECKPOINT_DATA_NOT_FOUND' });
    expect(storage.discarded).toEqual([]);
  });
});
