import type { MessagePort } from 'node:worker_threads';
import type { ToSlot } from './slot-protocol';
import type { TaskSlot } from './slot-thread';

/**
 * A slot whose thread starts when it is first needed: when the slot is allocated to a job (`start`)
 * or something is posted to it. A slot thread is a V8 isolate that loads the runtime and the plugins
 * (~50 MB and ~0.3 s each), so a TaskManager registers at once and an idle one holds no threads,
 * as Flink's TaskManager starts a task's thread only when the task is deployed. Once started, the
 * thread stays for later jobs. The TaskExecutor sees only these wrappers (the thread's messages
 * and exit are reported with the wrapper), so identity checks hold across a thread's replacement.
 */
export class OnDemandSlot implements TaskSlot {
  private slot: TaskSlot | undefined;
  /** `host:port` of the thread's own data server, from its ready message (absent: it has none). */
  dataAddress: string | undefined;

  constructor(
    readonly slotIndex: number,
    private readonly create: (wrapper: OnDemandSlot) => TaskSlot,
  ) {}

  /** Whether the thread was started (a slot that never ran anything has no statistics to give). */
  get started(): boolean {
    return this.slot !== undefined;
  }

  /** Starts the thread (if not yet); resolves once it takes deployments. */
  start(): Promise<void> {
    return this.thread().ready;
  }

  /** Ready at once while not started: the first post starts the thread, which queues what it is sent. */
  get ready(): Promise<void> {
    return this.slot ? this.slot.ready : Promise.resolve();
  }

  get alive(): boolean {
    return this.slot?.alive ?? true;
  }

  post(msg: ToSlot, transfer?: MessagePort[]): void {
    this.thread().post(msg, transfer);
  }

  async shutdown(): Promise<void> {
    await this.slot?.shutdown();
  }

  private thread(): TaskSlot {
    return (this.slot ??= this.create(this));
  }
}
