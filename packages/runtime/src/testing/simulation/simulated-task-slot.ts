import type { MessagePort } from 'node:worker_threads';
import type { FromSlot, ToSlot } from '../../taskexecutor/slot-protocol';
import type { TaskSlot, TaskSlotFactory } from '../../taskexecutor/slot-thread';
import { SimulatedSinkTask } from './simulated-sink-task';
import { SimulatedSourceTask, type SimulatedTask, type SimulatedTaskContext } from './simulated-task';

/**
 * A TaskExecutor's slot in a simulated run: instead of a worker thread it plays the deployed tasks
 * (SimulatedSourceTask, SimulatedSinkTask) on its TaskManager's timers. Messages cross the slot
 * boundary as events a turn later in both directions, as over a thread's MessagePort.
 */
export class SimulatedTaskSlot implements TaskSlot {
  readonly ready = Promise.resolve();
  private readonly tasks = new Map<string, SimulatedTask>();
  private exited = false;
  private readonly taskContext: SimulatedTaskContext;

  constructor(
    readonly slotIndex: number,
    context: Omit<SimulatedTaskContext, 'send'>,
    private readonly onMessage: (slot: TaskSlot, msg: FromSlot) => void,
    private readonly onExit: (slot: TaskSlot, code: number, error?: Error) => void,
  ) {
    this.taskContext = { ...context, send: (msg) => this.send(msg) };
  }

  get alive(): boolean {
    return !this.exited;
  }

  post(msg: ToSlot, transfer?: MessagePort[]): void {
    for (const port of transfer ?? []) port.close();
    if (this.exited) return;
    this.taskContext.scheduler.schedule(0, () => this.receive(msg));
  }

  async shutdown(): Promise<void> {
    if (this.exited) return;
    for (const task of this.tasks.values()) task.cancel();
    this.exited = true;
    this.onExit(this, 0);
  }

  private send(msg: FromSlot): void {
    this.taskContext.scheduler.schedule(0, () => {
      if (!this.exited) this.onMessage(this, msg);
    });
  }

  private receive(msg: ToSlot): void {
    if (this.exited) return;
    switch (msg.type) {
      case 'deploy': {
        const task = msg.tdd.inputs.length === 0 ? new SimulatedSourceTask(msg.tdd, this.taskContext) : new SimulatedSinkTask(msg.tdd, this.taskContext);
        this.tasks.set(task.attemptId, task);
        void task.start();
        break;
      }
      case 'cancel':
        this.tasks.get(msg.attemptId)?.cancel();
        break;
      case 'fail-task':
        this.tasks.get(msg.attemptId)?.fail(msg.error.message);
        break;
      case 'release-job':
        for (const task of this.tasks.values()) if (task.tdd.jobId === msg.jobId) task.cancel();
        break;
      case 'trigger-checkpoint':
        this.tasks.get(msg.attemptId)?.triggerCheckpoint(msg.checkpointId, msg.location);
        break;
      case 'notify-checkpoint':
        this.tasks.get(msg.attemptId)?.notifyCheckpoint(msg.checkpointId, msg.completed);
        break;
      case 'stats':
        this.send({ type: 'stats-reply', requestId: msg.requestId, stats: { runningTasks: [...this.tasks.values()].filter((t) => !t.ended).length, heapUsedBytes: 0, partitions: {} } });
        break;
      case 'shutdown':
        void this.shutdown();
        break;
      default:
        // Data connections, partition releases and operator events do not occur: the data plane is simulated.
        break;
    }
    for (const [id, task] of this.tasks) if (task.ended) this.tasks.delete(id);
  }
}

/** The slot factory of one simulated TaskManager. */
export function simulatedSlotFactory(context: Omit<SimulatedTaskContext, 'send'>): TaskSlotFactory {
  return (slotIndex, _workerData, _heap, onMessage, onExit) => new SimulatedTaskSlot(slotIndex, context, onMessage, onExit);
}
