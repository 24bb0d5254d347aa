import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Configuration } from '@flott/core';
import { BlobStore, checkImplementationChoices, CoreOptions, Dispatcher, IMPLEMENTATION_CHOICES, JobManagerOptions, JobNotFoundError, LeaderTracker, LocalRpcService, ManualClock, StateRecoveryOptions, type JobGraph } from '@flott/runtime';
import { ResourceManagerDriverFactory, SpiLoader } from '@flott/runtime/spi';
import { createDistributionContainer, resolveConfiguration } from './distribution';

describe('the default distribution', () => {
  const container = createDistributionContainer(new Configuration());

  it.each(IMPLEMENTATION_CHOICES.map((c) => [c.option.key, c] as const))('documents as built in exactly the %s names it has', (_key, choice) => {
    const bound = SpiLoader.fromContainer(container, choice.token, choice.spi, choice.option.key).knownNames();
    expect([...(choice.option.possibleValues ?? [])].sort()).toEqual(bound);
  });

  it('documents its resource manager types: standalone (no driver) and a bound driver for each other one', () => {
    expect(JobManagerOptions.RESOURCE_MANAGER_TYPE.possibleValues).toEqual(['standalone', 'local-processes']);
    const drivers = SpiLoader.fromContainer(container, ResourceManagerDriverFactory, 'resource manager driver', JobManagerOptions.RESOURCE_MANAGER_TYPE.key).knownNames();
    expect(drivers).toEqual(['local-processes']);
  });

  it('accepts its defaults', () => {
    expect(() => checkImplementationChoices(container, new Configuration(), 'local')).not.toThrow();
  });

  it('refuses an implementation it does not have, naming the known ones', () => {
    const config = Configuration.fromRecord({ 'state.backend.type': 'rocksdb' });
    expect(() => checkImplementationChoices(container, config, 'local')).toThrow("Unknown state backend 'rocksdb' for 'state.backend.type'. Known: hashmap, lmdb");
  });

  it('refuses a resource manager driver in local mode', () => {
    const config = Configuration.fromRecord({ 'resourcemanager.type': 'kubernetes' });
    expect(() => checkImplementationChoices(container, config, 'local')).toThrow(/'kubernetes' for 'resourcemanager.type'. Known: standalone/);
  });

  it('reports every unknown implementation at once', () => {
    const config = Configuration.fromRecord({ 'jobmanager.scheduler': 'adaptive', 'execution.checkpointing.storage': 's3', 'restart-strategy.type': 'sometimes' });
    expect(() => checkImplementationChoices(container, config, 'local')).toThrow(
      'Invalid configuration (3 problems):\n' +
        "  - Unknown scheduling strategy 'adaptive' for 'jobmanager.scheduler'. Known: eager, lazy-from-sources, pipelined-region\n" +
        "  - Unknown restart strategy 'sometimes' for 'restart-strategy.type'. Known: exponential-delay, failure-rate, fixed-delay, none\n" +
        "  - Unknown checkpoint storage 's3' for 'execution.checkpointing.storage'. Known: filesystem, jobmanager",
    );
  });
});

describe('a job submitted to the default distribution', () => {
  it('is refused when its own configuration names an implementation the distribution does not have', async () => {
    const configuration = new Configuration();
    const clock = new ManualClock();
    const blobDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-distribution-'));
    const dispatcher = new Dispatcher({
      blobStore: new BlobStore({ directory: blobDirectory, maxBytes: 1024, cleanupIntervalMs: 60_000, clock, scheduler: clock }),
      rpc: new LocalRpcService(1000, clock),
      clock,
      scheduler: clock,
      configuration,
      resourceManager: LeaderTracker.fixed('resource manager', 'no-resource-manager'),
      container: createDistributionContainer(configuration),
    });
    const code = new Uint8Array([1, 2, 3]);
    const sha256 = createHash('sha256').update(code).digest('hex');
    await dispatcher.putBlob(sha256, code);
    const jobGraph = { jobId: 'a'.repeat(32), jobName: 'job', vertices: [{}] } as unknown as JobGraph;
    await expect(
      dispatcher.submitJob({ jobGraph, artifact: { sha256, size: code.byteLength }, args: [], configuration: { 'jobmanager.scheduler': 'adaptive-batch' } }),
    ).rejects.toThrow("Unknown scheduling strategy 'adaptive-batch' for 'jobmanager.scheduler'. Known: eager, lazy-from-sources, pipelined-region");
    await expect(dispatcher.requestJobStatus(jobGraph.jobId)).rejects.toThrow(JobNotFoundError);
    await dispatcher.close();
    expect(fs.existsSync(blobDirectory)).toBe(false);
  });
});

describe('flott run options', () => {
  it('-s and -n set the state recovery keys, over the same keys given with -D', () => {
    const config = resolveConfiguration({
      fromSavepoint: '/savepoints/savepoint-1a2b3c-0123456789ab',
      allowNonRestoredState: true,
      D: ['execution.state-recovery.path=/elsewhere'],
      parallelism: '3',
    });
    expect(config.get(StateRecoveryOptions.SAVEPOINT_PATH)).toBe('/savepoints/savepoint-1a2b3c-0123456789ab');
    expect(config.get(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE)).toBe(true);
    expect(config.get(CoreOptions.DEFAULT_PARALLELISM)).toBe(3);
    const plain = resolveConfiguration({});
    expect(plain.get(StateRecoveryOptions.SAVEPOINT_PATH)).toBeUndefined();
    expect(plain.get(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE)).toBe(false);
  });
});
