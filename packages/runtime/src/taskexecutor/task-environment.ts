import type { Clock } from '@flott/core';
import type { InputGate, NetworkConfig, ResultPartition } from '../network';
import type { Logger } from '../logging/logger';
import type { CheckpointTaskMetrics, TaskExecutionStateUpdate } from '../rpc/gateways';
import type { TaskStateSnapshot } from '../snapshot/snapshot-data';
import type { CheckpointStorageAccess } from '../spi/checkpoint-storage';
import type { StateBackend } from '../spi/state-backend';
import type { Scheduler } from '../time/clock';
import type { Random } from '../time/random';

/** The TaskManager that runs an input channel's producer (InputChannelDescriptor's producer fields). */
export interface ProducerLocation {
  readonly resourceId: string;
  /** `host:port` of its data server; absent when unknown (then the producer is looked for locally). */
  readonly dataAddress?: string;
  /** `host:port` of the producer slot thread's own data server, which serves its PIPELINED partitions (preferred over `dataAddress`). */
  readonly slotDataAddress?: string;
}

/** What a task needs from its slot. */
export interface TaskEnvironment {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /** Picks the first channel of round-robin and shuffle partitioners; the process's own randomness when not given. */
  readonly random?: Random;
  readonly network: NetworkConfig;
  readonly stateBackend?: StateBackend;
  /** The task's log, bound to its job, task, subtask and attempt; silent when absent. */
  readonly logger?: Logger;
  stdout(line: string): void;
  stderr(line: string): void;
  sendOperatorEvent(attemptId: string, operatorId: string, event: unknown): Promise<unknown>;
  reportState(update: TaskExecutionStateUpdate): void;
  /**
   * Where the task writes its BLOCKING result partitions (created on first call; the TaskExecutor's
   * directory of the job). Absent in environments without local disk: BLOCKING partitions are then
   * exchanged as pipelined ones.
   */
  blockingPartitionDirectory?(): string;
  /** BATCH execution: keyed operators read their input sorted by key, sorting this much in memory (execution.sorted-inputs.*); absent: not sorted. */
  readonly sortedInputs?: { readonly memoryBytes: number };
  /** BATCH execution: keyed aggregations whose inputs combine are pre-aggregated in their producers, at most this many keys held per output (execution.batch.local-aggregation.*); absent: not. */
  readonly localAggregation?: { readonly maxKeys: number };
  /** Tells the JobMaster that a PIPELINED partition of the task produced its first data (lazy scheduling deploys its consumers then). */
  notifyPartitionDataAvailable?(partitionKey: string): void;
  /**
   * Tells the JobMaster that the task finished its operators and waits for its final checkpoint
   * (Flink's notifyEndOfData): when every running task does, the JobMaster triggers that checkpoint.
   */
  notifyEndOfData?(): void;
  /** Makes a produced partition reachable for consumers (same slot or others). */
  registerPartition(partitionKey: string, partition: ResultPartition<unknown>): void;
  /**
   * Connects one input channel to its producer's subpartition (asynchronously). `producer` says where
   * the producer runs (from the channel's descriptor): on another TaskManager the channel goes over TCP.
   */
  connectInputChannel(partitionKey: string, subpartition: number, gate: InputGate, channel: number, producer?: ProducerLocation): Promise<void>;
  /** Present when the job checkpoints or the task restores state: the job's checkpoint storage and mode. */
  readonly checkpointing?: TaskCheckpointing;
}

/** The checkpoint services of a task. */
export interface TaskCheckpointing {
  readonly storage: CheckpointStorageAccess;
  /** EXACTLY_ONCE aligns barriers; AT_LEAST_ONCE does not block inputs. */
  readonly aligned: boolean;
  /** `execution.checkpointing.incremental`: keyed state goes to SHARED change files where the backend tracks changes. */
  readonly incremental?: { readonly maxChainLength: number };
  acknowledge(attemptId: string, checkpointId: number, state: TaskStateSnapshot, metrics?: CheckpointTaskMetrics): void;
  /** `countsAsFailure` false: the task could not take part (not running yet, finished, overtaken by a newer checkpoint). */
  decline(attemptId: string, checkpointId: number, cause: Error, countsAsFailure: boolean): void;
}
