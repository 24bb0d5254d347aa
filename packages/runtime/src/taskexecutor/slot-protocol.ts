import type { MessagePort } from 'node:worker_threads';
import type { SerializedError } from '@flott/core';
import type { LogLevel } from '../logging/logger';
import type { CheckpointAcknowledgement, CheckpointDecline, OperatorEventEnvelope, TaskExecutionStateUpdate } from '../rpc/gateways';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor';
import type { PostCheckpointAction } from '../snapshot/snapshot-data';
import type { TaskTimeSample } from './task-time-metrics';

/** Messages between a TaskExecutor (main thread) and one of its slot threads. */
export type ToSlot =
  | { type: 'deploy'; tdd: TaskDeploymentDescriptor; artifactPath: string }
  | { type: 'cancel'; attemptId: string }
  | { type: 'attach-consumer'; partitionKey: string; subpartition: number; port: MessagePort }
  | { type: 'connect-channel'; requestId: number; port: MessagePort }
  | { type: 'connect-local'; requestId: number }
  | { type: 'connect-failed'; requestId: number; error: SerializedError }
  /** A channel of the attempt over TCP failed (connection lost, producer side error): the task fails with `error`. */
  | { type: 'fail-task'; attemptId: string; error: SerializedError }
  | { type: 'operator-event-reply'; requestId: number; result?: unknown; error?: SerializedError }
  | { type: 'release-job'; jobId: string }
  | { type: 'release-partitions'; partitionKeys: readonly string[] }
  | { type: 'stats'; requestId: number }
  | { type: 'trigger-checkpoint'; attemptId: string; checkpointId: number; timestamp: number; location: string; alignedTimeoutMs: number; postCheckpointAction?: PostCheckpointAction }
  | { type: 'notify-checkpoint'; attemptId: string; checkpointId: number; completed: boolean }
  | { type: 'operator-event-to-task'; attemptId: string; operatorId: string; event: unknown }
  | { type: 'shutdown' };

export type FromSlot =
  /** The slot takes deployments; `dataAddress`: its own data server's (SlotOffer.slotDataAddress), if it has one. */
  | { type: 'ready'; dataAddress?: string }
  | { type: 'task-state'; update: TaskExecutionStateUpdate }
  /** `blocking`: a BLOCKING partition, readable once `partition-finished` says where its files are. */
  | { type: 'partition-registered'; partitionKey: string; jobId: string; attemptId?: string; blocking?: boolean }
  /** A PIPELINED partition of the attempt produced its first data (for the JobMaster's lazy scheduling). */
  | { type: 'partition-data-available'; partitionKey: string; attemptId: string }
  /** The task finished its operators and waits for its final checkpoint. */
  | { type: 'end-of-data'; attemptId: string }
  /** A BLOCKING partition's producer finished: its files (by subpartition) are complete and now the TaskExecutor's. Sent before the task's FINISHED. */
  | { type: 'partition-finished'; partitionKey: string; files: readonly string[] }
  /** A channel from a producer on this TaskManager (one on another the slot requests over its own connection). */
  | { type: 'request-partition'; requestId: number; partitionKey: string; subpartition: number; attemptId?: string }
  | { type: 'operator-event'; requestId: number; envelope: OperatorEventEnvelope }
  | { type: 'stdout'; text: string }
  | { type: 'stderr'; text: string }
  /** One finished JSON log line of the slot's logger, for the TaskExecutor's ThreadLogSink. */
  | { type: 'log'; line: string }
  | { type: 'stats-reply'; requestId: number; stats: SlotStats }
  | { type: 'checkpoint-ack'; ack: CheckpointAcknowledgement }
  | { type: 'checkpoint-decline'; decline: CheckpointDecline };

export interface SlotStats {
  readonly runningTasks: number;
  readonly heapUsedBytes: number;
  readonly partitions: Record<string, unknown>;
  /** Busy / idle / back-pressured time of each running task, by attempt id. */
  readonly taskTimes?: Record<string, TaskTimeSample>;
  /** The combined input watermark of each running task, by attempt id (-Infinity: none yet, or a source). */
  readonly inputWatermarks?: Record<string, number>;
  /** Records each running task read and wrote so far, by attempt id. */
  readonly taskRecords?: Record<string, TaskRecordCounts>;
}

import type { TaskRecordCounts } from '../rpc/gateways';
export type { TaskRecordCounts };

/** The first message to a slot thread started before its slot (`prestartSlotThreads`): the data a thread started for its slot gets as `workerData`. */
export interface SlotInit {
  readonly type: 'init';
  readonly workerData: SlotWorkerData;
}

export interface SlotWorkerData {
  readonly slotIndex: number;
  readonly resourceId: string;
  readonly configuration: Record<string, unknown>;
  readonly pluginModules: readonly string[];
  /** The TaskExecutor's directory for BLOCKING result partitions (a subdirectory per job); absent: they are exchanged as pipelined ones. */
  readonly shuffleDirectory?: string;
  /** Level of the slot thread's logger (its TaskExecutor's ThreadLogSink level); absent: off. */
  readonly logLevel?: LogLevel;
  /**
   * The slot's own data server (docs/network.md, "Slot threads' own data servers"): where it listens and
   * the host it is reached at (its TaskManager's), on `port` (0: a free one; a replacement thread asks
   * for its predecessor's, which consumers may still be told). Absent: the slot has none.
   */
  readonly dataServer?: { readonly bindHost: string; readonly advertisedHost: string; readonly port: number };
}
