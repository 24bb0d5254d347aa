import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isProcessAlive, SystemScheduler } from '@flott/runtime';
import { resourceManagerDriverContractTests, TestingResourceEventHandler } from '@flott/runtime/testing';
import type { WorkerResourceSpec } from '@flott/runtime/spi';
import { Configuration } from '@flott/core';
import { LocalProcessesDriver, type LocalProcessesDriverOptions } from './local-processes-driver';
import { LocalProcessesDriverFactory } from './local-processes-driver-factory';

const spec: WorkerResourceSpec = { cpuCores: 1, memoryMb: 256, numberOfSlots: 2 };

/**
 * A stand-in TaskManager: runs until signalled and writes the arguments and configuration it was started with,
 * to a temporary file renamed into place, so a test that sees `started` reads all of it.
 */
const WORKER_SCRIPT = `
const fs = require('fs'), path = require('path');
const dir = process.argv[process.argv.indexOf('--config') + 1];
if (process.env.IGNORE_SIGTERM) process.on('SIGTERM', () => fs.writeFileSync(path.join(dir, '..', 'ignored-sigterm'), ''));
fs.writeFileSync(path.join(dir, 'started.tmp'), JSON.stringify({ argv: process.argv.slice(2), config: fs.readFileSync(path.join(dir, 'config.yaml'), 'utf8') }));
fs.renameSync(path.join(dir, 'started.tmp'), path.join(dir, 'started'));
setInterval(() => {}, 1 << 30);
`;


async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

class LocalPlatform {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-local-processes-'));
  readonly script = path.join(this.root, 'worker.js');
  readonly workingDirectory = path.join(this.root, 'workers');
  private seq = 0;
  readonly drivers: LocalProcessesDriver[] = [];

  constructor() {
    fs.writeFileSync(this.script, WORKER_SCRIPT);
  }

  driver(overrides: Partial<LocalProcessesDriverOptions> = {}): LocalProcessesDriver {
    const d = new LocalProcessesDriver({
      command: [process.execPath, this.script],
      configuration: { 'jobmanager.rpc.address': '127.0.0.1', 'jobmanager.rpc.port': 6123 },
      workingDirectory: this.workingDirectory,
      nextId: () => `taskmanager-local-${++this.seq}`,
      stopTimeoutMs: 2_000,
      pollIntervalMs: 50,
      scheduler: new SystemScheduler(),
      ...overrides,
    });
    this.drivers.push(d);
    return d;
  }

  pidOf(resourceId: string): number {
    return JSON.parse(fs.readFileSync(path.join(this.workingDirectory, resourceId, 'worker.json'), 'utf8')).pid;
  }

  running(resourceId: string): boolean {
    try {
      return isProcessAlive(this.pidOf(resourceId));
    } catch {
      return false;
    }
  }

  /** Stops every driver (a dropped one of a "previous attempt" still polls), kills every process the platform started, removes its folder. */
  async cleanup(): Promise<void> {
    for (const d of this.drivers) await d.terminate().catch(() => undefined);
    if (fs.existsSync(this.workingDirectory)) {
      for (const id of fs.readdirSync(this.workingDirectory)) {
        try {
          process.kill(this.pidOf(id), 'SIGKILL');
        } catch {
          // gone already
        }
      }
    }
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

resourceManagerDriverContractTests('LocalProcessesDriver', () => {
  const platform = new LocalPlatform();
  return {
    workerSpec: spec,
    createDriver: () => platform.driver(),
    // A previous JobManager attempt started them and died without stopping them (its driver is simply dropped).
    startPreviousAttemptWorkers: async (count) => {
      const previous = platform.driver();
      await previous.initialize(new TestingResourceEventHandler());
      const workers = await Promise.all(Array.from({ length: count }, () => previous.requestResource(spec)));
      return workers.map((w) => w.resourceId);
    },
    killWorker: async (id) => {
      const pid = platform.pidOf(id);
      process.kill(pid, 'SIGKILL');
      await waitFor(() => !isProcessAlive(pid), `worker ${id} to die`);
    },
    isWorkerRunning: async (id) => platform.running(id),
    cleanup: () => platform.cleanup(),
  };
});

describe('LocalProcessesDriver', () => {
  let platform: LocalPlatform;
  beforeEach(() => {
    platform = new LocalPlatform();
  });
  afterEach(async () => {
    await platform.cleanup();
  });

  it('starts a TaskManager with --config pointing at its own folder: the JobManager\'s configuration, its resource id and slots, readable by the user only', async () => {
    const driver = platform.driver();
    await driver.initialize(new TestingResourceEventHandler());
    const worker = await driver.requestResource(spec);
    const dir = path.join(platform.workingDirectory, worker.resourceId);
    await waitFor(() => fs.existsSync(path.join(dir, 'started')), 'the worker to start');
    const started = JSON.parse(fs.readFileSync(path.join(dir, 'started'), 'utf8'));
    expect(started.argv).toEqual(['--config', dir]);
    expect(started.config).toBe(
      'jobmanager.rpc.address: "127.0.0.1"\njobmanager.rpc.port: 6123\n' +
        `taskmanager.resource-id: "${worker.resourceId}"\ntaskmanager.numberOfTaskSlots: 2\n`,
    );
    expect(fs.statSync(path.join(dir, 'config.yaml')).mode & 0o077).toBe(0);
  });

  it('reports a worker that exits, with its exit and where its log is', async () => {
    const driver = platform.driver();
    const handler = new TestingResourceEventHandler();
    await driver.initialize(handler);
    const worker = await driver.requestResource(spec);
    process.kill(platform.pidOf(worker.resourceId), 'SIGKILL');
    const { diagnostics } = await handler.waitForTermination(worker.resourceId);
    expect(diagnostics).toMatch(/^TaskManager process \d+ exited \(signal SIGKILL\); its log: .*taskmanager\.log$/);
  });

  it('kills a released worker that ignores SIGTERM after the stop timeout', async () => {
    // The stop timeout leaves the worker time to run its SIGTERM handler (and write its file) on a loaded host.
    const driver = platform.driver({ stopTimeoutMs: 2_000, env: { ...process.env, IGNORE_SIGTERM: '1' } });
    await driver.initialize(new TestingResourceEventHandler());
    const worker = await driver.requestResource(spec);
    const pid = platform.pidOf(worker.resourceId);
    await waitFor(() => fs.existsSync(path.join(platform.workingDirectory, worker.resourceId, 'started')), 'the worker to start');
    await driver.releaseResource(worker);
    expect(fs.existsSync(path.join(platform.workingDirectory, 'ignored-sigterm'))).toBe(true);
    expect(isProcessAlive(pid)).toBe(false);
    expect(fs.existsSync(path.join(platform.workingDirectory, worker.resourceId))).toBe(false);
  });

  it('stops a recovered worker of a previous attempt (not its child) by signals, polling until it is gone', async () => {
    // The worker ignores SIGTERM, so the first check finds it alive and the stop timeout's SIGKILL ends it. The 2 s
    // timeout leaves it time to run its SIGTERM handler on a loaded host (300 ms failed CI, as in the test above).
    const previous = platform.driver({ env: { ...process.env, IGNORE_SIGTERM: '1' } });
    await previous.initialize(new TestingResourceEventHandler());
    const worker = await previous.requestResource(spec);
    await waitFor(() => fs.existsSync(path.join(platform.workingDirectory, worker.resourceId, 'started')), 'the worker to start');
    const pid = platform.pidOf(worker.resourceId);
    const driver = platform.driver({ stopTimeoutMs: 2_000 });
    await driver.initialize(new TestingResourceEventHandler());
    await driver.releaseResource(worker);
    expect(isProcessAlive(pid)).toBe(false);
    expect(fs.existsSync(path.join(platform.workingDirectory, 'ignored-sigterm'))).toBe(true);
    expect(fs.existsSync(path.join(platform.workingDirectory, worker.resourceId))).toBe(false);
  });

  it('releasing a recovered worker that is gone already signals nothing and removes its folder', async () => {
    const previous = platform.driver();
    await previous.initialize(new TestingResourceEventHandler());
    const worker = await previous.requestResource(spec);
    const pid = platform.pidOf(worker.resourceId);
    // Its poll is slow: the release, not the poll, finds the worker gone.
    const driver = platform.driver({ pollIntervalMs: 60_000 });
    await driver.initialize(new TestingResourceEventHandler());
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !isProcessAlive(pid), 'the worker to die');
    await driver.releaseResource(worker);
    expect(fs.existsSync(path.join(platform.workingDirectory, worker.resourceId))).toBe(false);
  });

  it('reports a recovered worker of a previous attempt that dies later (noticed by polling)', async () => {
    const previous = platform.driver();
    await previous.initialize(new TestingResourceEventHandler());
    const worker = await previous.requestResource(spec);
    const driver = platform.driver();
    const handler = new TestingResourceEventHandler();
    await driver.initialize(handler);
    expect(handler.recoveredWorkerBatches.map((b) => b.map((w) => w.resourceId))).toEqual([[worker.resourceId]]);
    process.kill(platform.pidOf(worker.resourceId), 'SIGKILL');
    const { diagnostics } = await handler.waitForTermination(worker.resourceId);
    expect(diagnostics).toMatch(/of a previous attempt\) is gone$/);
  });

  it('is what resourcemanager.type local-processes names: the factory configures it from the JobManager\'s configuration', async () => {
    const config = Configuration.fromRecord({
      'resourcemanager.local-processes.command': [process.execPath, platform.script],
      'resourcemanager.local-processes.working-dir': platform.workingDirectory,
      'jobmanager.rpc.port': 16123,
    });
    const driver = new LocalProcessesDriverFactory().create(config);
    expect(new LocalProcessesDriverFactory().name).toBe('local-processes');
    await driver.initialize(new TestingResourceEventHandler());
    try {
      const worker = await driver.requestResource(spec);
      expect(worker.resourceId).toMatch(/^taskmanager-local-[0-9a-f]{12}$/);
      const dir = path.join(platform.workingDirectory, worker.resourceId);
      await waitFor(() => fs.existsSync(path.join(dir, 'started')), 'the worker to start');
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'started'), 'utf8')).config).toContain('jobmanager.rpc.port: 16123\n');
    } finally {
      await driver.terminate();
    }
  });

  it('refuses a second initialize, and requests after terminate; releasing a worker it does not know is a no-op', async () => {
    const driver = platform.driver();
    await driver.initialize(new TestingResourceEventHandler());
    await expect(driver.initialize(new TestingResourceEventHandler())).rejects.toMatchObject({ code: 'DRIVER_INITIALIZED' });
    await expect(driver.releaseResource({ resourceId: 'never-started', spec })).resolves.toBeUndefined();
    await driver.terminate();
    await expect(driver.requestResource(spec)).rejects.toMatchObject({ code: 'DRIVER_TERMINATED' });
  });

  it('on initialize, clears folders of workers that are gone or were never ours, and recovers only live ones', async () => {
    fs.mkdirSync(path.join(platform.workingDirectory, 'stray-folder'), { recursive: true });
    fs.mkdirSync(path.join(platform.workingDirectory, 'dead-worker'), { recursive: true });
    // A pid no process has (the highest possible).
    fs.writeFileSync(path.join(platform.workingDirectory, 'dead-worker', 'worker.json'), JSON.stringify({ pid: 4194304, spec }));
    fs.mkdirSync(path.join(platform.workingDirectory, 'bad-pid'), { recursive: true });
    fs.writeFileSync(path.join(platform.workingDirectory, 'bad-pid', 'worker.json'), JSON.stringify({ pid: -1, spec }));
    const driver = platform.driver();
    const handler = new TestingResourceEventHandler();
    await driver.initialize(handler);
    expect(handler.recoveredWorkerBatches).toEqual([[]]);
    expect(fs.readdirSync(platform.workingDirectory)).toEqual([]);
  });

  it('the factory defaults its working directory to one per JobManager port in the temp directory', async () => {
    const config = Configuration.fromRecord({ 'resourcemanager.local-processes.command': [process.execPath, platform.script], 'jobmanager.rpc.port': 16999 });
    const driver = new LocalProcessesDriverFactory().create(config);
    await driver.initialize(new TestingResourceEventHandler());
    try {
      const worker = await driver.requestResource(spec);
      const expectedDir = path.join(os.tmpdir(), `flott-local-workers-${os.userInfo().uid}`, '16999', worker.resourceId);
      await waitFor(() => fs.existsSync(path.join(expectedDir, 'started')), 'the worker to start in the default folder');
    } finally {
      await driver.terminate();
    }
  });

  it('without a command configured, the factory says which key to set', () => {
    expect(() => new LocalProcessesDriverFactory().create(new Configuration())).toThrow(/needs resourcemanager\.local-processes\.command/);
  });

  it('fails a request whose command cannot start, leaving no folder behind', async () => {
    const driver = platform.driver({ command: [path.join(platform.root, 'no-such-executable')] });
    await driver.initialize(new TestingResourceEventHandler());
    await expect(driver.requestResource(spec)).rejects.toMatchObject({ code: 'WORKER_START_FAILED' });
    expect(fs.readdirSync(platform.workingDirectory)).toEqual([]);
  });
});
