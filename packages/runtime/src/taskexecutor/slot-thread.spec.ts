import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { Configuration } from '@flott/core';
import { TaskManagerOptions } from '../config/options';
import type { SlotWorkerData } from './slot-protocol';
import { runtimeDistEntry } from '../util/dist-entry';
import { prestartSlotThreads, setInitialOldGeneration, SlotThread, slotHeapOf } from './slot-thread';

describe('slot thread heap', () => {
  it('splits the task heap equally over the slots, each starting at the initial size', () => {
    const config = new Configuration();
    expect(slotHeapOf(config, 1, 8)).toEqual({ limitMb: 1024, initialMb: 128, parallelScavenge: true });
    expect(slotHeapOf(config, 2, 8)).toEqual({ limitMb: 512, initialMb: 128, parallelScavenge: true });
    const sized = new Configuration()
      .set(TaskManagerOptions.TASK_HEAP_SIZE, 2048 * 1024 * 1024)
      .set(TaskManagerOptions.SLOT_HEAP_INITIAL_SIZE, 150 * 1024 * 1024);
    expect(slotHeapOf(sized, 4, 8)).toEqual({ limitMb: 512, initialMb: 150, parallelScavenge: true });
  });

  it('gives a slot at most half its limit to start with, and 0 leaves the sizing to V8', () => {
    const small = new Configuration().set(TaskManagerOptions.TASK_HEAP_SIZE, 64 * 1024 * 1024);
    expect(slotHeapOf(small, 2, 8)).toEqual({ limitMb: 32, initialMb: 16, parallelScavenge: true });
    const off = new Configuration().set(TaskManagerOptions.SLOT_HEAP_INITIAL_SIZE, 0);
    expect(slotHeapOf(off, 2, 8)).toEqual({ limitMb: 512, initialMb: 0, parallelScavenge: true });
  });

  it('scavenges with helper threads by default (V8\'s own), without them when configured or when the slots can keep every core busy (auto)', () => {
    expect([slotHeapOf(new Configuration(), 4, 2).parallelScavenge, slotHeapOf(new Configuration(), 1, 8).parallelScavenge]).toEqual([true, true]);
    const parallelOf = (mode: 'auto' | 'always' | 'never', slots: number, cores: number) =>
      slotHeapOf(new Configuration().set(TaskManagerOptions.SLOT_PARALLEL_SCAVENGE, mode), slots, cores).parallelScavenge;
    expect([parallelOf('auto', 1, 2), parallelOf('auto', 2, 2), parallelOf('auto', 4, 2), parallelOf('auto', 2, 8)]).toEqual([true, false, false, true]);
    expect([parallelOf('always', 4, 2), parallelOf('never', 1, 8)]).toEqual([true, false]);
    expect(() => new Configuration().set(TaskManagerOptions.SLOT_PARALLEL_SCAVENGE, 'sometimes' as never)).toThrow(/always, auto, never/);
  });

  /**
   * The scavenges of a worker that allocates in a node process (`--trace-gc-nvp`) whose slot threads were
   * prestarted with `mode`: the milliseconds V8's helper threads worked in each of them. V8 flags are
   * process-wide and stay set, so this runs in a process of its own.
   */
  function helperScavengeMs(mode: 'always' | 'never'): number[] {
    const code = `
      const { Worker } = require('node:worker_threads');
      const built = require('node:module').createRequire(${JSON.stringify(runtimeDistEntry('config/options.js'))});
      const { Configuration } = built('@flott/core');
      const { TaskManagerOptions } = built('./options.js');
      const { prestartSlotThreads } = require(${JSON.stringify(runtimeDistEntry('taskexecutor/slot-thread.js'))});
      prestartSlotThreads(new Configuration().set(TaskManagerOptions.SLOT_PARALLEL_SCAVENGE, '${mode}'), 1);
      new Worker('const keep = []; for (let i = 0; i < 4e6; i++) { const o = { i, s: "x" + (i % 100) }; if (i % 8 === 0) keep.push(o); if (keep.length > 60000) keep.length = 0; }', { eval: true });`;
    const r = spawnSync(process.execPath, ['--trace-gc-nvp', '-e', code], { encoding: 'utf8', timeout: 20_000 });
    if (r.status !== 0) throw new Error(`the GC probe failed (${r.status ?? r.signal}): ${r.stderr.slice(-2000)}`);
    // Lines start with [pid:isolate]: the allocating worker's isolate is the one with the most scavenges.
    const byIsolate = new Map<string, number[]>();
    for (const [, isolate, ms] of r.stdout.matchAll(/^\[\d+:(0x[0-9a-f]+)\].*?gc=s .*?background\.scavenge\.parallel=([\d.]+)/gm)) {
      byIsolate.set(isolate, [...(byIsolate.get(isolate) ?? []), Number(ms)]);
    }
    return [...byIsolate.values()].reduce((a, b) => (b.length > a.length ? b : a), []);
  }

  it('starts slot threads after turning V8\'s scavenge helpers off when the heap says so', () => {
    const helped = helperScavengeMs('always');
    const alone = helperScavengeMs('never');
    // The same allocation: dozens of scavenges, helped by other threads unless the flag is off.
    expect(helped.length).toBeGreaterThan(10);
    expect(helped.some((ms) => ms > 0)).toBe(true);
    expect(alone.length).toBeGreaterThan(10);
    expect(alone.filter((ms) => ms > 0)).toEqual([]);
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

describe('prestarted slot threads (prestartSlotThreads)', () => {
  const config = new Configuration().set(TaskManagerOptions.TASK_HEAP_SIZE, 256 * 1024 * 1024);
  const dataOf = (slotIndex: number): SlotWorkerData => ({ slotIndex, resourceId: 'tm-prestart', configuration: config.toRecord(), pluginModules: [] });

  it('a slot of the same heap takes a waiting thread, which then starts with its data; another heap starts its own', async () => {
    const prestarted = prestartSlotThreads(config, 1);
    expect(prestarted).toHaveLength(1);
    const exits: number[] = [];
    const slot = new SlotThread(0, dataOf(0), slotHeapOf(config, 1), () => undefined, (_slot, code) => exits.push(code));
    const other = new SlotThread(1, dataOf(1), slotHeapOf(config, 2), () => undefined, (_slot, code) => exits.push(code));
    try {
      expect(prestarted).toContain(slot.worker.threadId);
      expect(prestarted).not.toContain(other.worker.threadId);
      // 'ready' comes from the slot's runtime, which a prestarted thread builds only from the data it was sent.
      await Promise.all([slot.ready, other.ready]);
    } finally {
      await Promise.all([slot.shutdown(), other.shutdown()]);
    }
    expect(exits).toEqual([0, 0]);
    // Taken: the next slot of that heap starts a thread of its own.
    const again = new SlotThread(2, dataOf(2), slotHeapOf(config, 1), () => undefined, () => undefined);
    expect(prestarted).not.toContain(again.worker.threadId);
    await again.ready;
    await again.shutdown();
  });
});
