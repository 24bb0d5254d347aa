/// <reference types="jest" />
import type { ResourceManagerDriver, WorkerResourceSpec } from '../spi/resource-manager-driver';
import { TestingResourceEventHandler } from './testing-resource-event-handler';

/**
 * What a driver's test provides to the shared suite: the platform under test (a real Kubernetes API,
 * a YARN mini cluster, local processes) and ways to look at it and break it behind the driver's back.
 */
export interface ResourceManagerDriverTestContext {
  /** A fresh, uninitialised driver on the platform; called once per test. */
  createDriver(): ResourceManagerDriver | Promise<ResourceManagerDriver>;
  /** Starts `count` workers as a previous JobManager attempt would have; returns their resource ids. */
  startPreviousAttemptWorkers(count: number): Promise<string[]>;
  /** Stops a worker behind the driver's back (pod evicted, container lost, process killed). */
  killWorker(resourceId: string): Promise<void>;
  isWorkerRunning(resourceId: string): Promise<boolean>;
  /** Removes whatever the test left on the platform. */
  cleanup(): Promise<void>;
  /** A worker small enough for the platform under test. */
  readonly workerSpec: WorkerResourceSpec;
}

/**
 * Contract of ResourceManagerDriver (spi/resource-manager-driver.ts), the suite every driver's test
 * runs (as Flink's ResourceManagerDriverTestBase): recovery reported once during initialize,
 * requested workers run with the requested spec, released ones stop, lost ones are reported.
 */
export function resourceManagerDriverContractTests(
  name: string,
  createContext: () => ResourceManagerDriverTestContext | Promise<ResourceManagerDriverTestContext>,
): void {
  describe(`ResourceManagerDriver contract: ${name}`, () => {
    let context: ResourceManagerDriverTestContext;
    let driver: ResourceManagerDriver;
    let handler: TestingResourceEventHandler;
    let initialized = false;

    const initialize = async (): Promise<void> => {
      await driver.initialize(handler);
      initialized = true;
    };

    beforeEach(async () => {
      context = await createContext();
      driver = await context.createDriver();
      handler = new TestingResourceEventHandler();
      initialized = false;
    });
    afterEach(async () => {
      if (initialized) await driver.terminate();
      await context.cleanup();
    });

    it('reports no recovered workers, once, on a clean platform', async () => {
      await initialize();
      expect(handler.recoveredWorkerBatches).toEqual([[]]);
    });

    it('reports the workers of a previous attempt, once, during initialize', async () => {
      const previous = await context.startPreviousAttemptWorkers(2);
      await initialize();
      expect(handler.recoveredWorkerBatches.length).toBe(1);
      expect(handler.recoveredWorkerBatches[0].map((w) => w.resourceId).sort()).toEqual([...previous].sort());
    });

    it('rejects requests before initialize', async () => {
      await expect(driver.requestResource(context.workerSpec)).rejects.toThrow();
    });

    it('starts requested workers with the requested spec and distinct ids', async () => {
      await initialize();
      const workers = await Promise.all([driver.requestResource(context.workerSpec), driver.requestResource(context.workerSpec)]);
      expect(workers.map((w) => w.spec)).toEqual([context.workerSpec, context.workerSpec]);
      expect(workers[0].resourceId).not.toBe(workers[1].resourceId);
      for (const w of workers) expect(await context.isWorkerRunning(w.resourceId)).toBe(true);
    });

    it('stops a released worker without reporting an error', async () => {
      await initialize();
      const worker = await driver.requestResource(context.workerSpec);
      await driver.releaseResource(worker);
      expect(await context.isWorkerRunning(worker.resourceId)).toBe(false);
      expect(handler.errors).toEqual([]);
    });

    it('reports a worker the platform lost', async () => {
      await initialize();
      const worker = await driver.requestResource(context.workerSpec);
      await context.killWorker(worker.resourceId);
      const termination = await handler.waitForTermination(worker.resourceId);
      expect(termination.resourceId).toBe(worker.resourceId);
      expect(termination.diagnostics.length).toBeGreaterThan(0);
    });

    it('terminates cleanly after use', async () => {
      await initialize();
      await driver.requestResource(context.workerSpec);
      await driver.terminate();
      initialized = false;
      expect(handler.errors).toEqual([]);
    });
  });
}
