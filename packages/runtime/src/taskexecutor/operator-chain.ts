import type { StreamGraph, StreamNode } from '../graph/stream-graph';
import type { Accumulator } from '../functions';
import type { AvailabilityProvider, OperatorEnvironment, Output, StreamOperator } from '../operators/stream-operator';
import type { KeyedStateBackend, StateBackend } from '../spi/state-backend';
import type { Clock, Scheduler } from '../time/clock';
import {
  computeKeyGroupRangeForOperatorIndex,
  assignToKeyGroup,
  createChannelSelector,
  type ResultPartition,
} from '../network';
import { chainingOutput, operatorOutput, RecordWriterOutput, type EdgeOutput } from './chain-outputs';
import { TaskRuntimeContext, type TaskInfo } from './task-runtime-context';
import type { ResultPartitionDescriptor } from './deployment';

export interface ChainServices {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly stateBackend?: StateBackend;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly sendOperatorEvent: (operatorId: string, event: unknown) => Promise<unknown>;
  readonly currentWatermark: () => number;
  readonly registerAvailabilityProvider: (p: AvailabilityProvider) => void;
}

export interface ChainMember {
  readonly node: StreamNode;
  readonly operatorId: string;
  readonly operator: StreamOperator<unknown>;
  readonly keyedBackend?: KeyedStateBackend;
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
          keyGroupOf: (key) => assignToKeyGroup(key, info.maxParallelism),
        });
      }
      const member: ChainMember = { node, operatorId, operator, keyedBackend };
      inChain.set(node.id, member);
      this.members.push(member);
    }
    for (const member of [...this.members].reverse()) {
      const main: EdgeOutput[] = [];
      const side = new Map<string, EdgeOutput[]>();
      for (const edge of member.node.outEdges) {
        const target = inChain.get(edge.targetId);
        let out: EdgeOutput;
        if (target) {
          out = chainingOutput(target.operator, edge.typeNumber, target.node.stateKeySelector, target.keyedBackend);
        } else {
          const p = partitions.get(edge.id);
          if (!p) throw new Error(`Assertion failed: no result partition for stream edge ${edge.id} of ${member.node.name}`);
          const selector = createChannelSelector<unknown>(edge.partitioner.kind, {
            numChannels: p.descriptor.numSubpartitions,
            producerSubtask: info.subtaskIndex,
            keySelector: edge.partitioner.keySelector,
            maxParallelism: p.descriptor.consumerMaxParallelism,
            random: Math.random,
          });
          out = new RecordWriterOutput(p.partition, selector, bufferTimeoutMs === 0);
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
        output: member.output,
        runtimeContext,
        operatorId: member.operatorId,
        operatorName: member.node.name,
        clock: services.clock,
        scheduler: services.scheduler,
        currentWatermark: services.currentWatermark,
        stdout: services.stdout,
        stderr: services.stderr,
        sendOperatorEvent: (event) => services.sendOperatorEvent(member.operatorId, event),
        keyedStateBackend: member.keyedBackend,
        registerAvailabilityProvider: services.registerAvailabilityProvider,
      };
      member.operator.setup(env);
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
