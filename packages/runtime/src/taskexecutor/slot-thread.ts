import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Configuration } from '@flott/core';
import { TaskManagerOptions } from '../config/options';
import { SystemScheduler, type Scheduler } from '../time/clock';
import { runtimeDistEntry } from '../util/dist-entry';
import type { FromSlot, SlotInit, SlotWorkerData, ToSlot } from './slot-protocol';
import type { MessagePort } from 'node:worker_threads';

/**
 * The built slot entry point, also when this code runs from sources: `dist/bundle/slot-worker.js`, which runs
 * `dist/taskexecutor/slot-worker.js` from the runtime's bundle (scripts/bundle-package.js), so the slot's modules
 * are the same instances as those the job's bundle reaches through `@flott/runtime/internal`.
 */
export function slotWorkerEntry(): string {
  return runtimeDistEntry(path.join('bundle', 'slot-worker.js'));
}

/**
 * A slot thread's V8 heap: the old generation's limit, the size it starts with (0 = V8's own sizing),
 * and whether its scavenges take helper threads (taskmanager.slot.parallel-scavenge).
 */
export interface SlotHeap {
  readonly limitMb: number;
  readonly initialMb: number;
  readonly parallelScavenge: boolean;
}

const MIB = 1024 * 1024;

/** The heap of each of a TaskManager's `slots` slot threads: an equal share of the task heap, and the initial size. */
export function slotHeapOf(config: Configuration, slots: number, cores: number = availableParallelism()): SlotHeap {
  const limitMb = Math.max(16, Math.floor(config.get(TaskManagerOptions.TASK_HEAP_SIZE) / slots / MIB));
  const initialMb = Math.min(Math.floor(config.get(TaskManagerOptions.SLOT_HEAP_INITIAL_SIZE) / MIB), Math.floor(limitMb / 2));
  const mode = config.get(TaskManagerOptions.SLOT_PARALLEL_SCAVENGE);
  return { limitMb, initialMb, parallelScavenge: mode === 'always' || (mode === 'auto' && slots < cores) };
}

let scavengeHelpersOff = false;

/**
 * V8's --no-parallel-scavenge from now on, for the whole process: each scavenge of every isolate runs on
 * its own thread. V8 reads the flag as a scavenge starts, so flipping it while isolates run is safe
 * (unlike --single-threaded-gc, which also stops concurrent marking and fails V8's checks when a marking
 * cycle is under way). Process-wide, so a TaskManager only ever turns the helpers off.
 */
export function stopParallelScavenges(): void {
  if (scavengeHelpersOff) return;
  setFlagsFromString('--no-parallel-scavenge');
  scavengeHelpersOff = true;
}

/**
 * Worker threads take only limits from `resourceLimits`; V8 reads the initial old-generation size from
 * its flags when the worker's isolate is created, so it is set (process-wide) just before. Slots of one
 * TaskExecutor share one value; a value set here applies to worker threads created after it.
 */
export function setInitialOldGeneration(mb: number): void {
  setFlagsFromString(`--initial-old-space-size=${Math.max(0, Math.floor(mb))}`);
}

/**
 * Slot threads started before their TaskExecutor (`prestartSlotThreads`), each waiting for its slot's data.
 * A SlotThread whose heap is the same takes one instead of starting a thread.
 */
const earlyWorkers: Array<{ readonly heap: SlotHeap; readonly worker: Worker }> = [];

/**
 * Starts `slots` slot threads for a TaskExecutor of `config` that does not exist yet. `flott run` calls this
 * before its main thread loads the runtime (~0.25 s), so the slot threads load theirs at the same time
 * (docs/architecture.md, "Start-up"). The threads wait for their slot's data (`SlotInit`) and do not keep the
 * process alive until a slot takes them; one that fails to start is not taken (its slot starts a thread of
 * its own, which reports the failure). Returns the threads' ids.
 */
export function prestartSlotThreads(config: Configuration, slots: number): readonly number[] {
  const heap = slotHeapOf(config, slots);
  const threadIds: number[] = [];
  for (let i = 0; i < slots; i++) {
    const worker = startSlotWorker(i, heap);
    worker.unref();
    worker.on('error', () => undefined);
    const entry = { heap, worker };
    worker.once('exit', () => {
      const at = earlyWorkers.indexOf(entry);
      if (at >= 0) earlyWorkers.splice(at, 1);
    });
    earlyWorkers.push(entry);
    threadIds.push(worker.threadId);
  }
  return threadIds;
}

/** A slot's thread with its heap; without `workerData`, it waits for a SlotInit message with it. */
function startSlotWorker(slotIndex: number, heap: SlotHeap, workerData?: SlotWorkerData): Worker {
  setInitialOldGeneration(heap.initialMb);
  if (!heap.parallelScavenge) stopParallelScavenges();
  return new Worker(slotWorkerEntry(), { workerData, resourceLimits: { maxOldGenerationSizeMb: heap.limitMb }, name: `flott-slot-${slotIndex}` });
}

/** A prestarted slot thread of this heap, given its slot's data; undefined when none waits. */
function takeEarlyWorker(heap: SlotHeap, workerData: SlotWorkerData): Worker | undefined {
  const at = earlyWorkers.findIndex((e) => e.heap.limitMb === heap.limitMb && e.heap.initialMb === heap.initialMb && e.heap.parallelScavenge === heap.parallelScavenge);
  if (at < 0) return undefined;
  const { worker } = earlyWorkers.splice(at, 1)[0];
  worker.ref();
  worker.postMessage({ type: 'init', workerData } satisfies SlotInit);
  return worker;
}

/**
 * One task slot as its TaskExecutor sees it: messages in (`post`), messages and the exit out (the
 * callbacks given to the factory), on the TaskExecutor's event loop. A SlotThread in production; a
 * fake in in-process tests.
 */
export interface TaskSlot {
  readonly slotIndex: number;
  /** Resolves once the slot takes deployments. */
  readonly ready: Promise<void>;
  readonly alive: boolean;
  post(msg: ToSlot, transfer?: MessagePort[]): void;
  shutdown(): Promise<void>;
}

/** Starts the slot `slotIndex` of a TaskExecutor (again, after the previous one died). */
export type TaskSlotFactory = (
  slotIndex: number,
  workerData: SlotWorkerData,
  heap: SlotHeap,
  onMessage: (slot: TaskSlot, msg: FromSlot) => void,
  onExit: (slot: TaskSlot, code: number, error?: Error) => void,
) => TaskSlot;

/** The production TaskSlotFactory: a worker thread per slot. */
export const slotThreadFactory: TaskSlotFactory = (slotIndex, workerData, heap, onMessage, onExit) =>
  new SlotThread(slotIndex, workerData, heap, onMessage, onExit);

/** One task slot: a worker thread with its own V8 heap limit (DESIGN.md §4). */
export class SlotThread implements TaskSlot {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  private exited = false;

  constructor(
    readonly slotIndex: number,
    workerData: SlotWorkerData,
    heap: SlotHeap,
    onMessage: (slot: TaskSlot, msg: FromSlot) => void,
    onExit: (slot: TaskSlot, code: number, error?: Error) => void,
    /** Times the grace period of `shutdown`. */
    private readonly scheduler: Scheduler = new SystemScheduler(),
  ) {
    this.worker = takeEarlyWorker(heap, workerData) ?? startSlotWorker(slotIndex, heap, workerData);
    let lastError: Error | undefined;
    this.ready = new Promise((resolve, reject) => {
      const onFirst = (msg: FromSlot) => {
        if (msg.type === 'ready') {
          this.worker.off('message', onFirst);
          resolve();
        }
      };
      this.worker.on('message', onFirst);
      this.worker.once('error', reject);
    });
    this.worker.on('message', (msg: FromSlot) => onMessage(this, msg));
    this.worker.on('error', (e) => (lastError = e));
    this.worker.on('exit', (code) => {
      this.exited = true;
      onExit(this, code, lastError);
    });
  }

  post(msg: ToSlot, transfer?: MessagePort[]): void {
    if (!this.exited) this.worker.postMessage(msg, transfer);
  }

  get alive(): boolean {
    return !this.exited;
  }

  async shutdown(graceMs = 2000): Promise<void> {
    if (this.exited) return;
    this.post({ type: 'shutdown' });
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    const timer = this.scheduler.schedule(graceMs, () => void this.worker.terminate());
    await exited;
    timer.cancel();
  }
}
