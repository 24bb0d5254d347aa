// From their modules, not the network barrel: its re-exports are getters, and ElementKind is read per record.
import { ElementKind, type InputElement } from '../network/input-element';
import { InputGate } from '../network/input-gate';
import type { StreamGraph } from '../graph/stream-graph';
import type { OneInputStreamOperator, TwoInputStreamOperator } from '../operators/stream-operator';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor';
import { chainingOutput, type EdgeOutput } from './chain-outputs';
import type { OperatorChain } from './operator-chain';
import type { TaskCheckpoints } from './task-checkpoints';
import type { TaskEnvironment } from './task-environment';
import { WatermarkValve, type ValveOutput } from './watermark-valve';
import { SortedInput, sortedInputOf } from './sorted-input';

interface GateBinding {
  readonly gate: InputGate;
  /** Where the gate's records go: the head operator, or the sorter of a sorted BATCH input. */
  readonly input: Pick<EdgeOutput, 'collect'>;
  readonly valve: WatermarkValve;
  readonly channelOffset: number;
  /** Index of this gate's first channel among all the task's channels (barrier alignment). */
  readonly barrierOffset: number;
}

/** What the inputs need from their task. */
export interface TaskInputsHost {
  readonly tdd: TaskDeploymentDescriptor;
  readonly graph: StreamGraph;
  readonly env: TaskEnvironment;
  readonly chain: OperatorChain;
  readonly checkpoints: TaskCheckpoints;
  /** A channel could not connect: the task fails at its next turn. */
  failAsync(error: unknown): void;
  /** An unaligned barrier arrived: the task's loop should turn. */
  wake(): void;
}

/**
 * The task's input gates and what they feed (Flink's StreamOneInputProcessor / StreamTwoInputProcessor
 * with its CheckpointedInputGate): one gate per input edge, connected to the producers; elements go to
 * the head operator (records through the keyed chaining output, watermarks through a valve per input,
 * barriers and ends of partition to the task's checkpoints). Gates are polled round-robin.
 */
export class TaskInputs {
  private readonly gates: GateBinding[] = [];
  private next = 0;
  /** Set when an unaligned barrier arrived: it is handled before the next element, even under back-pressure. */
  private priorityPending = false;
  /** The combined watermark of the single input (the operators' currentWatermark). */
  inputWatermark = Number.NEGATIVE_INFINITY;
  /** Records read from the input gates (Flink's numRecordsIn of the task). */
  numRecordsIn = 0;
  /** A keyed head operator's input in BATCH execution: sorted by key before the operator sees it. */
  private readonly sorted: SortedInput | undefined;

  constructor(private readonly host: TaskInputsHost) {
    const { tdd, graph, env, chain } = host;
    const head = chain.head;
    const offsets = new Map<number, number>();
    const valves = new Map<number, WatermarkValve>();
    for (const d of tdd.inputs) offsets.set(d.typeNumber, (offsets.get(d.typeNumber) ?? 0) + d.channels.length);
    this.sorted = sortedInputOf(host);
    for (const [typeNumber, count] of offsets) valves.set(typeNumber, new WatermarkValve(count, this.sorted?.holdWatermarks(this.valveOutput(typeNumber)) ?? this.valveOutput(typeNumber)));
    const used = new Map<number, number>();
    let barrierOffset = 0;
    tdd.inputs.forEach((d, gateIndex) => {
      const gate = new InputGate({
        gateIndex, numChannels: d.channels.length, config: env.network, serializer: graph.serializerOf(d.streamEdgeId),
        onPriorityEvent: this.onPriorityEvent,
      });
      // Input 2 of a two-input operator has its own key selector (none on a broadcast input).
      const keySelector = d.typeNumber === 2 ? head.node.stateKeySelector2 : head.node.stateKeySelector;
      // The same per-instance specialised outputs the chain uses: the key is set and the operator
      // called from a method whose call sites see this task's operator only.
      const operatorInput = chainingOutput(head.operator, d.typeNumber, keySelector, head.keyedBackend);
      const input = this.sorted?.collector(operatorInput) ?? operatorInput;
      const channelOffset = used.get(d.typeNumber) ?? 0;
      used.set(d.typeNumber, channelOffset + d.channels.length);
      this.gates.push({ gate, input, valve: valves.get(d.typeNumber)!, channelOffset, barrierOffset });
      barrierOffset += d.channels.length;
    });
  }

  /** Connects every channel to its producer (asynchronously; a failure fails the task). */
  connect(): void {
    this.host.tdd.inputs.forEach((d, gateIndex) => {
      const gate = this.gates[gateIndex].gate;
      d.channels.forEach((c, i) => {
        const producer = {
          resourceId: c.producerResourceId,
          ...(c.producerDataAddress ? { dataAddress: c.producerDataAddress } : {}),
          ...(c.producerSlotDataAddress ? { slotDataAddress: c.producerSlotDataAddress } : {}),
        };
        this.host.env.connectInputChannel(c.partitionKey, c.subpartitionIndex, gate, i, producer).catch((e: unknown) => this.host.failAsync(e));
      });
    });
  }

  get inputGates(): InputGate[] {
    return this.gates.map((b) => b.gate);
  }

  get isEmpty(): boolean {
    return this.gates.length === 0;
  }

  /**
   * Every gate delivered the end of its data (end-of-data or end-of-partition on every channel) and a
   * sorted input handed out all it sorted: the operators can finish. Barriers and ends of partition
   * may still come (the final checkpoint).
   */
  isDataFinished(): boolean {
    return this.gatesDataFinished() && (this.sorted === undefined || this.sorted.drained);
  }

  /** Every gate delivered the end of all its partitions: nothing comes any more. */
  isFinished(): boolean {
    return this.gates.every((g) => g.gate.isFinished());
  }

  private gatesDataFinished(): boolean {
    return this.gates.every((g) => g.gate.isDataFinished());
  }

  /** What an idle task waits on: data on any gate not finished. */
  whenAvailable(): Promise<void>[] {
    return this.gates.filter((g) => !g.gate.isFinished()).map((g) => g.gate.whenAvailable());
  }

  /** Hands the next element of some gate (round-robin) to where it goes; false when none has one. */
  processNext(): boolean {
    const sorted = this.sorted;
    // A sorted input's records go to the operator once every gate ended (checked per record only while sorting).
    if (sorted !== undefined && (sorted.emitting || (sorted.emitting = this.gatesDataFinished()))) return sorted.emitNext();
    const gates = this.gates;
    for (let i = 0; i < gates.length; i++) {
      const b = gates[(this.next + i) % gates.length];
      const element = b.gate.pollNext();
      if (!element) continue;
      if (gates.length > 1) this.next = (this.next + 1) % gates.length;
      this.handle(b, element);
      return true;
    }
    return false;
  }

  /** Unaligned barriers that arrived, and announcements of aligned ones, go to the task's checkpoints ahead of all data. */
  handlePriorityBarriers(): void {
    if (!this.priorityPending) return;
    this.priorityPending = false;
    for (const b of this.gates) {
      for (let p = b.gate.pollPriorityBarrier(); p !== undefined; p = b.gate.pollPriorityBarrier()) {
        if (p.announced) this.host.checkpoints.processAnnouncement(b.barrierOffset + p.channel, p.barrier);
        else this.host.checkpoints.processBarrier(b.barrierOffset + p.channel, p.barrier, 'priority');
      }
    }
  }

  release(): void {
    for (const g of this.gates) g.gate.release();
    this.sorted?.close();
  }

  private readonly onPriorityEvent = (): void => {
    this.priorityPending = true;
    this.host.wake();
  };

  private handle(b: GateBinding, e: InputElement): void {
    if (e.kind === ElementKind.RECORD) {
      this.numRecordsIn++;
      b.input.collect(e.value, e.timestamp);
    } else if (e.kind === ElementKind.WATERMARK) {
      b.valve.inputWatermark(b.channelOffset + e.channel, e.timestamp);
    } else if (e.event?.kind === 'watermark-status') {
      b.valve.inputWatermarkStatus(b.channelOffset + e.channel, e.event.idle);
    } else if (e.event?.kind === 'barrier') {
      this.host.checkpoints.processBarrier(b.barrierOffset + e.channel, e.event);
    } else if (e.event?.kind === 'end-of-partition') {
      b.valve.channelEnded(b.channelOffset + e.channel);
      this.host.checkpoints.processEndOfPartition(b.barrierOffset + e.channel);
    }
    // end-of-data: the gate counts it (isDataFinished); the channel stays open for barriers.
  }

  /** Where the valve of input `typeNumber` (0 = the single input, 1/2 = two-input sides) delivers. */
  private valveOutput(typeNumber: number): ValveOutput {
    const head = this.host.chain.head;
    if (typeNumber === 0) {
      const op = head.operator as OneInputStreamOperator<unknown, unknown>;
      return {
        emitWatermark: (wm) => {
          this.inputWatermark = wm;
          op.processWatermark(wm);
        },
        emitWatermarkStatus: (idle) => {
          if (op.processWatermarkStatus) op.processWatermarkStatus(idle);
          else head.output?.emitWatermarkStatus?.(idle);
        },
      };
    }
    const op = head.operator as TwoInputStreamOperator<unknown, unknown, unknown>;
    return typeNumber === 1
      ? { emitWatermark: (wm) => op.processWatermark1(wm), emitWatermarkStatus: (idle) => op.processWatermarkStatus1?.(idle) }
      : { emitWatermark: (wm) => op.processWatermark2(wm), emitWatermarkStatus: (idle) => op.processWatermarkStatus2?.(idle) };
  }
}
