import type { Accumulator, Clock } from '@flott/core';
import type { StreamEdge, StreamGraph, StreamNode } from '../graph/stream-graph';
import type { AvailabilityProvider, MailboxExecutor, OperatorEnvironment, Output, StreamOperator } from '../operators/stream-operator';
import type { KeyedStateBackend, StateBackend } from '../spi/state-backend';
import { processingTimeReadsPerReading, type Scheduler } from '../time/clock';
import { SystemRandom, type Random } from '../time/random';
import type { ResultPartition } from '../network';
// From their modules, not the network barrel: its re-exports are getters, and keyGroupOf calls these per record.
import { assignToKeyGroup, computeKeyGroupForKeyHash, computeKeyGroupRangeForOperatorIndex, hashKey } from '../network/key-groups';
import { createChannelSelector } from '../network/partitioners';
import { chainingOutput, CombiningRecordWriterOutput, operatorOutput, RecordWriterOutput, type EdgeOutput } from './chain-outputs';
import { canonicalKey } from '../util/canonical-key';
import { BlockingResultPartition } from '../network/blocking-partition';
import { FlottError } from '@flott/core';
import { TaskRuntimeContext, type TaskInfo } from '../operators/task-runtime-context';
import { DefaultKeyedStateStore } from '../state/keyed-state-store';
import { DefaultOperatorStateStore } from '../state/operator-state-store';
import type { ResultPartitionDescriptor } from '../deployment/task-deployment-descriptor';
import { HeapInternalTimeServiceManager } from '../operators/timers/heap-internal-time-service-manager';
import type { TimerFiringControl } from '../operators/timers/timer-service';

export interface ChainServices {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /** Randomness of the channel selectors (shuffle, round-robin start); the process's own when not given. */
  readonly random?: Random;
  readonly stateBackend?: StateBackend;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly sendOperatorEvent: (operatorId: string, event: unknown) => Promise<unknown>;
  readonly currentWatermark: () => number;
  readonly registerAvailabilityProvider: (p: AvailabilityProvider) => void;
  /** Back-pressure hooks for timer firing (the task's); without them firing never yields. */
  readonly timerControl?: TimerFiringControl;
  /** The task's mailbox, for operators whose work completes outside their calls (async I/O). */
  readonly mailbox?: MailboxExecutor;
  /** See OperatorEnvironment.checkpointsAfterTasksFinish. */
  readonly checkpointsAfterTasksFinish?: boolean;
  /** BATCH local aggregation before keyed aggregations whose inputs combine (execution.batch.local-aggregation.*); absent: off. */
  readonly localAggregation?: { readonly maxKeys: number };
}

export interface ChainMember {
  readonly node: StreamNode;
  readonly operatorId: string;
  readonly operator: StreamOperator<unknown>;
  readonly keyedBackend?: KeyedStateBackend;
  /** Keyed operators only: their timers. */
  readonly timeServiceManager?: HeapInternalTimeServiceManager;
  /** Keyed operators only: the state store their functions use (over keyedBackend). */
  readonly keyedStateStore?: DefaultKeyedStateStore;
  /** The operator's list, union and broadcast state. */
  readonly operatorStateStore: DefaultOperatorStateStore;
  /** The output the operator emits into (set while wiring). */
  output?: Output<unknown>;
}

/**
 * The operators of one task, wired: chained edges call the next operator, other edges write into
 * the task's result partitions. Built from the StreamGraph the slot's re-run of main produced.
 */
export class OperatorChain {
  readonly members: ChainMember[] = [];
  readonly accumulators = new Map<string, Accumulator<unknown>>();
  private readonly combiningOutputs: Array<{ output: CombiningRecordWriterOutput; target: string }> = [];

  constructor(
    graph: StreamGraph,
    memberIds: ReadonlyArray<{ streamNodeId: number; operatorId: string }>,
    info: TaskInfo,
    partitions: ReadonlyMap<string, { partition: ResultPartition<unknown>; descriptor: ResultPartitionDescriptor }>,
    bufferTimeoutMs: number,
    services: ChainServices,
  ) {
    const runtimeContext = new TaskRuntimeContext(info, this.accumulators);
    const inChain = new Map<number, ChainMember>();
    const nodes = memberIds.map((m) => ({ node: graph.getNode(m.streamNodeId), operatorId: m.operatorId }));
    // Create operators first (all of them), then wire outputs tail-first so targets exist.
    // Validates maxParallelism once; the per-record function then skips assignToKeyGroup's checks.
    assignToKeyGroup(0, info.maxParallelism);
    const maxParallelism = info.maxParallelism;
    const keyGroupOf = (key: unknown): number => computeKeyGroupForKeyHash(hashKey(key), maxParallelism);
    for (const { node, operatorId } of nodes) {
      const operator = node.operatorFactory();
      let keyedBackend: KeyedStateBackend | undefined;
      if (node.stateKeySelector) {
        if (!services.stateBackend) throw new Error(`Assertion failed: keyed operator ${node.name} without a state backend`);
        keyedBackend = services.stateBackend.createKeyedStateBackend({
          jobId: info.jobId,
          operatorId,
          maxParallelism: info.maxParallelism,
          keyGroupRange: computeKeyGroupRangeForOperatorIndex(info.maxParallelism, info.parallelism, info.subtaskIndex),
          keyGroupOf,
        });
      }
      const timeServiceManager = keyedBackend
        ? new HeapInternalTimeServiceManager({
            keyedStateBackend: keyedBackend,
            clock: services.clock,
            scheduler: services.scheduler,
            keyGroupOf,
            control: services.timerControl,
            processingTimeReads: processingTimeReadsPerReading(services.clock),
          })
        : undefined;
      const member: ChainMember = {
        node,
        operatorId,
        operator,
        keyedBackend,
        timeServiceManager,
        keyedStateStore: keyedBackend ? new DefaultKeyedStateStore(keyedBackend, services.clock) : undefined,
        operatorStateStore: new DefaultOperatorStateStore(),
      };
      inChain.set(node.id, member);
      this.members.push(member);
    }
    const canonical = (key: unknown): string =>
      canonicalKey(key, (reason) => new FlottError('UNSUPPORTED_KEY', `Cannot aggregate by this key locally: ${reason}`, {}));
    const random = services.random ?? new SystemRandom();
    const control = services.timerControl;
    const outputAvailable = control ? () => !control.shouldYield() : undefined;
    for (const member of [...this.members].reverse()) {
      const main: EdgeOutput[] = [];
      const side = new Map<string, EdgeOutput[]>();
      for (const edge of member.node.outEdges) {
        const target = inChain.get(edge.targetId);
        let out: EdgeOutput;
        if (target) {
          const keySelector = edge.typeNumber === 2 ? target.node.stateKeySelector2 : target.node.stateKeySelector;
          out = chainingOutput(target.operator, edge.typeNumber, keySelector, target.keyedBackend);
        } else {
          const p = partitions.get(edge.id);
          if (!p) throw new Error(`Assertion failed: no result partition for stream edge ${edge.id} of ${member.node.name}`);
          const selector = createChannelSelector<unknown>(edge.partitioner.kind, {
            numChannels: p.descriptor.numSubpartitions,
            producerSubtask: info.subtaskIndex,
            keySelector: edge.partitioner.keySelector,
            maxParallelism: p.descriptor.consumerMaxParallelism,
            random: () => random.nextDouble(),
          });
          const writer = new RecordWriterOutput(p.partition, selector, bufferTimeoutMs === 0);
          const combining = p.partition instanceof BlockingResultPartition ? this.localAggregation(graph, edge, services) : undefined;
          out = writer;
          if (combining) {
            const output = new CombiningRecordWriterOutput(writer, combining.keySelector, combining.combine, combining.copy, combining.maxKeys, canonical);
            this.combiningOutputs.push({ output, target: graph.getNode(edge.targetId).name });
            out = output;
          }
        }
        if (edge.sideOutputTag !== undefined) {
          const list = side.get(edge.sideOutputTag) ?? [];
          list.push(out);
          side.set(edge.sideOutputTag, list);
        } else {
          main.push(out);
        }
      }
      member.output = operatorOutput(main, side);
      const env: OperatorEnvironment<unknown> = {
        output: member.timeServiceManager ? member.timeServiceManager.gateOutput(member.output) : member.output,
        // A keyed operator's functions get state on its keyed backend through their runtime context.
        runtimeContext: member.keyedStateStore ? runtimeContext.withKeyedStateStore(member.keyedStateStore) : runtimeContext,
        operatorStateStore: member.operatorStateStore,
        operatorId: member.operatorId,
        operatorName: member.node.name,
        clock: services.clock,
        scheduler: services.scheduler,
        currentWatermark: services.currentWatermark,
        stdout: services.stdout,
        stderr: services.stderr,
        sendOperatorEvent: (event) => services.sendOperatorEvent(member.operatorId, event),
        keyedStateBackend: member.keyedBackend,
        timeServiceManager: member.timeServiceManager,
        registerAvailabilityProvider: services.registerAvailabilityProvider,
        isOutputAvailable: outputAvailable,
        mailbox: services.mailbox,
        checkpointsAfterTasksFinish: services.checkpointsAfterTasksFinish,
      };
      member.operator.setup(env);
    }
  }

  /**
   * BATCH local aggregation for `edge` (see CombiningRecordWriterOutput): a hash edge into a keyed
   * aggregation whose inputs combine, with a serializer that can copy its records, written to a
   * BLOCKING partition (which takes what a flush emits at once without back-pressure).
   */
  private localAggregation(graph: StreamGraph, edge: StreamEdge, services: ChainServices) {
    const settings = services.localAggregation;
    if (settings === undefined || graph.config.runtimeMode !== 'BATCH' || edge.partitioner.kind !== 'hash') return undefined;
    const keySelector = edge.partitioner.keySelector;
    const combiner = graph.getNode(edge.targetId).inputCombiner;
    // The output holds its own copies, so it may fold into them in place where the aggregation can.
    const combine = combiner && (combiner.combineOwned ?? combiner.combine);
    const copy = graph.serializerOf(edge.id).createCopier?.();
    if (keySelector === undefined || combine === undefined || copy === undefined) return undefined;
    return { keySelector, combine, copy, maxKeys: settings.maxKeys };
  }

  /**
   * After the operators finished: what local aggregation holds goes out, ahead of the end of data.
   * Returns what each combining output took in and sent (for the task's log).
   */
  flushOutputs(): Array<{ target: string; recordsIn: number; recordsOut: number }> {
    return this.combiningOutputs.map(({ output, target }) => {
      output.flush();
      return { target, recordsIn: output.recordsIn, recordsOut: output.recordsOut };
    });
  }

  /** Whether some operator's timer firing stopped for back-pressure and waits for `continueTimers`. */
  hasPendingTimers(): boolean {
    for (const m of this.members) if (m.timeServiceManager?.hasPendingWork()) return true;
    return false;
  }

  /** Continues pending timer firing, upstream operators first; true when none is left. */
  continueTimers(): boolean {
    for (const m of this.members) {
      if (m.timeServiceManager?.hasPendingWork() && !m.timeServiceManager.continueFiring()) return false;
    }
    return !this.hasPendingTimers();
  }

  /** No processing-time timers fire after the input ended (as Flink's finished tasks). */
  quiesceProcessingTime(): void {
    for (const m of this.members) m.timeServiceManager?.quiesce();
  }

  dispose(): void {
    for (const m of this.members) {
      m.timeServiceManager?.dispose();
      m.keyedBackend?.dispose();
    }
  }

  get head(): ChainMember {
    return this.members[0];
  }

  accumulatorValues(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, acc] of this.accumulators) out[name] = acc.getLocalValue();
    return out;
  }
}
