import type { MessagePort } from 'node:worker_threads';
import type { FromSlot, SlotWorkerData, ToSlot } from '../taskexecutor/slot-protocol';
import type { TaskSlot, TaskSlotFactory } from '../taskexecutor/slot-thread';

/**
 * A task slot without a thread, for in-process TaskExecutor tests: it records what the TaskExecutor
 * posts, and the test plays the slot's side: its messages (`emit`, e.g. a task's state) and its
 * death (`exit`). MessagePorts posted to it are closed, as nobody reads them, unless the test keeps
 * them to play a channel's end itself (`keepPorts`).
 */
export class TestingTaskSlot implements TaskSlot {
  readonly posted: ToSlot[] = [];
  readonly ready: Promise<void>;
  private exited = false;

  constructor(
    readonly slotIndex: number,
    private readonly onMessage: (slot: TaskSlot, msg: FromSlot) => void,
    private readonly onExit: (slot: TaskSlot, code: number, error?: Error) => void,
    private readonly keepPorts = false,
    /** Its own data server's address, which its ready message names (absent: it says only that it is ready). */
    dataAddress?: string,
  ) {
    this.ready = dataAddress === undefined ? Promise.resolve() : Promise.resolve().then(() => this.emit({ type: 'ready', dataAddress }));
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** The messages of one type the TaskExecutor posted, in order. */
  postedOf<T extends ToSlot['type']>(type: T): Array<Extract<ToSlot, { type: T }>> {
    return this.posted.filter((m): m is Extract<ToSlot, { type: T }> => m.type === type);
  }

  /** The slot sends `msg` to its TaskExecutor. */
  emit(msg: FromSlot): void {
    this.onMessage(this, msg);
  }

  /** The slot's thread ends (e.g. out of memory). */
  exit(code = 1, error?: Error): void {
    if (this.exited) return;
    this.exited = true;
    this.onExit(this, code, error);
  }

  post(msg: ToSlot, transfer?: MessagePort[]): void {
    if (this.exited) return;
    this.posted.push(msg);
    if (!this.keepPorts) for (const port of transfer ?? []) port.close();
  }

  async shutdown(): Promise<void> {
    this.post({ type: 'shutdown' });
    this.exit(0);
  }
}

/** A TaskSlotFactory of TestingTaskSlots that keeps every slot it made, replacements included. */
export class TestingTaskSlots {
  readonly created: TestingTaskSlot[] = [];
  /** The heap limit (MiB) each created slot was given, in creation order. */
  readonly heapLimitsMb: number[] = [];
  /** The data each created slot was started with, in creation order. */
  readonly workerData: SlotWorkerData[] = [];
  private keepPorts = false;
  private dataAddressOf: ((slotIndex: number, workerData: SlotWorkerData) => string | undefined) | undefined;

  /** The slots keep the MessagePorts posted to them open, for the test to use as channel ends. */
  withPortsKept(): this {
    this.keepPorts = true;
    return this;
  }

  /** Each slot says it is ready with the address of a data server of its own, as a slot thread given `dataServer` does. */
  withDataServers(addressOf: (slotIndex: number, workerData: SlotWorkerData) => string | undefined): this {
    this.dataAddressOf = addressOf;
    return this;
  }

  readonly factory: TaskSlotFactory = (slotIndex, workerData, heap, onMessage, onExit) => {
    const slot = new TestingTaskSlot(slotIndex, onMessage, onExit, this.keepPorts, this.dataAddressOf?.(slotIndex, workerData));
    this.created.push(slot);
    this.workerData.push(workerData);
    this.heapLimitsMb.push(heap.limitMb);
    return slot;
  };

  /** The newest slot with this index (the replacement, after one died). */
  slot(slotIndex: number): TestingTaskSlot {
    const slot = [...this.created].reverse().find((s) => s.slotIndex === slotIndex);
    if (!slot) throw new Error(`Assertion failed: no slot ${slotIndex} was started`);
    return slot;
  }
}
