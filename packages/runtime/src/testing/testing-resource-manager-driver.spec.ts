import type { WorkerResourceSpec } from '../spi/resource-manager-driver';
import { resourceManagerDriverContractTests } from './resource-manager-driver-contract';
import { TestingResourceEventHandler } from './testing-resource-event-handler';
import { TestingResourceManagerDriver, TestingResourcePlatform } from './testing-resource-manager-driver';

const spec: WorkerResourceSpec = { cpuCores: 1, memoryMb: 256, numberOfSlots: 2 };

resourceManagerDriverContractTests('TestingResourceManagerDriver', () => {
  const platform = new TestingResourcePlatform();
  return {
    workerSpec: spec,
    createDriver: () => new TestingResourceManagerDriver(platform),
    startPreviousAttemptWorkers: async (count) => Array.from({ length: count }, () => platform.start(spec).resourceId),
    killWorker: async (id) => platform.kill(id, 'evicted'),
    isWorkerRunning: async (id) => platform.running.has(id),
    cleanup: async () => platform.running.clear(),
  };
});

describe('TestingResourceManagerDriver', () => {
  it('records requests and releases, and lets a test replace how requests are served', async () => {
    const driver = new TestingResourceManagerDriver().withRequestResource(async () => {
      throw new Error('quota exceeded');
    });
    await driver.initialize(new TestingResourceEventHandler());
    await expect(driver.requestResource(spec)).rejects.toThrow('quota exceeded');
    expect(driver.requests).toEqual([spec]);
  });

  it('stops reporting lost workers once terminated', async () => {
    const driver = new TestingResourceManagerDriver();
    const handler = new TestingResourceEventHandler();
    await driver.initialize(handler);
    const worker = await driver.requestResource(spec);
    await driver.terminate();
    driver.platform.kill(worker.resourceId);
    expect(handler.terminations).toEqual([]);
    await expect(driver.requestResource(spec)).rejects.toThrow('used after terminate');
  });
});

describe('TestingResourceEventHandler', () => {
  it('resolves waiters for the right worker only, and runs overrides after recording', async () => {
    const seen: string[] = [];
    const handler = new TestingResourceEventHandler().withOnWorkerTerminated((id) => seen.push(`${id}:${handler.terminations.length}`));
    const waitB = handler.waitForTermination('b');
    handler.onWorkerTerminated('a', 'lost');
    handler.onWorkerTerminated('b', 'evicted');
    expect(await waitB).toEqual({ resourceId: 'b', diagnostics: 'evicted' });
    expect(await handler.waitForTermination('a')).toEqual({ resourceId: 'a', diagnostics: 'lost' });
    expect(seen).toEqual(['a:1', 'b:2']);
  });
});
