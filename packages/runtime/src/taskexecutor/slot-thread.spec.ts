import { Worker } from 'node:worker_threads';
import { Configuration } from '@flott/core';
import { TaskManagerOptions } from '../config/options';
import { setInitialOldGeneration, slotHeapOf } from './slot-thread';

describe('slot thread heap', () => {
  it('splits the task heap equally over the slots, each starting at the initial size', () => {
    const config = new Configuration();
    expect(slotHeapOf(config, 1)).toEqual({ limitMb: 1024, initialMb: 128 });
    expect(slotHeapOf(config, 2)).toEqual({ limitMb: 512, initialMb: 128 });
    const sized = new Configuration()
      .set(TaskManagerOptions.TASK_HEAP_SIZE, 2048 * 1024 * 1024)
      .set(TaskManagerOptions.SLOT_HEAP_INITIAL_SIZE, 150 * 1024 * 1024);
    expect(slotHeapOf(sized, 4)).toEqual({ limitMb: 512, initialMb: 150 });
  });

  it('gives a slot at most half its limit to start with, and 0 leaves the sizing to V8', () => {
    const small = new Configuration().set(TaskManagerOptions.TASK_HEAP_SIZE, 64 * 1024 * 1024);
    expect(slotHeapOf(small, 2)).toEqual({ limitMb: 32, initialMb: 16 });
    const off = new Configuration().set(TaskManagerOptions.SLOT_HEAP_INITIAL_SIZE, 0);
    expect(slotHeapOf(off, 2)).toEqual({ limitMb: 512, initialMb: 0 });
  });

  /**
   * A worker that promotes ~100 MB of arrays to the old generation (each lives through a
   * few scavenges) and counts the full collections V8 ran meanwhile.
   */
  function fullCollectionsInWorker(initialMb: number): Promise<number> {
    const code = `
      const { parentPort } = require('node:worker_threads');
      const { PerformanceObserver, constants } = require('node:perf_hooks');
      let major = 0;
      const obs = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++;
      });
      obs.observe({ entryTypes: ['gc'] });
      const ring = new Array(1024);
      for (let i = 0; i < 8192; i++) ring[i % 1024] = new Array(2048).fill(i);
      setTimeout(() => { obs.disconnect(); parentPort.postMessage(major); }, 50);`;
    setInitialOldGeneration(initialMb);
    const worker = new Worker(code, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 512 } });
    // The worker's isolate exists once it runs: the flag goes back to V8's default only then.
    worker.once('online', () => setInitialOldGeneration(0));
    return new Promise((resolve, reject) => {
      worker.once('message', (n: number) => {
        void worker.terminate();
        resolve(n);
      });
      worker.once('error', reject);
    });
  }

  it('starts the worker isolate with the initial old-generation size: no full collection before the heap outgrows it', async () => {
    const withDefault = await fullCollectionsInWorker(0);
    const withInitial = await fullCollectionsInWorker(256);
    expect(withDefault).toBeGreaterThan(0);
    expect(withInitial).toBe(0);
  });
});
