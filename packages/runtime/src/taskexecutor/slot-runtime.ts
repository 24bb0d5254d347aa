import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { Configuration, deserializeError, serializeError, type Clock } from '@flott/core';
import { CheckpointingOptions, CoreOptions, NetworkOptions } from '../config/options';
import { JobGraphMismatchError } from '../errors';
import { ExecutionState } from '../execution/execution-state';
import { createJobGraph } from '../graph';
import type { StreamGraph } from '../graph/stream-graph';
import {
  BlockingResultPartition,
  consumerEndpointFromPort,
  createLocalChannel,
  DirectRemoteChannel,
  networkConfigFrom,
  producerEndpointFromPort,
  type DataClientConnections,
  type InputGate,
  type RemotePartitionProvider,
  type ResultPartition,
} from '../network';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import { checkpointSettingsOf } from '../checkpoint/checkpointing-settings';
import type { CheckpointStorageAccess } from '../spi/checkpoint-storage';
import type { StateBackend } from '../spi/state-backend';
import type { Scheduler } from '../time/clock';
import type { Random } from '../time/random';
import { taskLogFields, taskNameWithSubtaskAndAttempt, type TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor';
import type { FromSlot, SlotWorkerData, TaskRecordCounts, ToSlot } from './slot-protocol';
import { SlotServedPartitions } from './slot-served-partitions';
import { StreamTask } from './stream-task';
import type { TaskCheckpointing, TaskEnvironment } from './task-environment';
import type { TaskTimeSample } from './task-time-metrics';

/** The slot's end of the channel to its TaskExecutor (the worker's parentPort in production). */
export interface SlotPort {
  postMessage(msg: FromSlot, transfer?: MessagePort[]): void;
  close(): void;
}

/** What a deployment needs to rebuild the job's graph: the job's main, re-run in task mode. */
export interface StreamGraphRequest {
  readonly args: readonly string[];
  readonly defaultParallelism: number;
  readonly configuration: Configuration;
}

export interface SlotRuntimeOptions {
  readonly port: SlotPort;
  readonly workerData: SlotWorkerData;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /** Randomness of the tasks' channel selectors. */
  readonly random: Random;
  /** Re-runs the job's main from its artifact in task mode and returns the graph it built (DESIGN.md §5). */
  readonly loadStreamGraph: (artifactPath: string, request: StreamGraphRequest) => Promise<StreamGraph>;
  /** Creates the slot's state backend; called once, on the first deployment with keyed state. */
  readonly createStateBackend: (config: Configuration) => StateBackend;
  /** The checkpoint storage of a job (`execution.checkpointing.storage`), once per job in this slot. */
  readonly createCheckpointStorage: (config: Configuration, jobId: string) => CheckpointStorageAccess;
  /** Runs `fn` on the event loop's next turn: print output is sent in batches. */
  readonly onNextTurn: (fn: () => void) => void;
  /** The slot thread's heap in use, for stats. */
  readonly heapUsedBytes: () => number;
  /** The slot thread's logger (tasks log through children with their job, task, subtask and attempt); silent when not given. */
  readonly logger?: Logger;
  /**
   * This thread's own data connections (docs/network.md, "Slot threads' own connections"): channels from
   * a producer on another TaskManager connect over them. Made on the first such channel (`get`), closed
   * in order when the slot shuts down.
   */
  readonly dataConnections: { get(): Promise<DataClientConnections>; close(): void };
  /**
   * Starts this thread's own data server over `partitions` (docs/network.md, "Slot threads' own data
   * servers"): consumers on other TaskManagers read the slot's PIPELINED partitions from it, not through
   * the TaskExecutor. Started before the slot says it is ready, whose message carries its address. Absent
   * (or failing to start: logged), the TaskExecutor's data server serves every partition.
   */
  readonly dataServer?: (partitions: RemotePartitionProvider) => Promise<{ readonly address: string; close(): Promise<void> }>;
}

type PendingConnect = { partitionKey: string; subpartition: number; gate: InputGate; channel: number; resolve: () => void; reject: (e: Error) => void };

/**
 * One task slot's runtime (DESIGN.md §4): takes the TaskExecutor's messages (slot-protocol.ts), re-runs
 * the job's main to rebuild the graph of each deployment, and runs the deployed subtasks as mailbox
 * tasks. Everything happens on the slot thread's event loop, in the order messages arrive; replies go
 * out through the port in the order they are produced, print output always ahead of the state update
 * that follows it.
 */
export class SlotRuntime {
  private readonly tasks = new Map<string, StreamTask>();
  /** Attempts canceled before their task existed (while main was being re-run). */
  private readonly canceledEarly = new Set<string>();
  private readonly deploying = new Set<string>();
  private readonly partitions = new Map<string, { jobId: string; attemptId: string; partition: ResultPartition<unknown> }>();
  private readonly pendingConnects = new Map<number, PendingConnect>();
  private readonly pendingEvents = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private requestSeq = 0;
  private stateBackend: StateBackend | undefined;
  private readonly checkpointStorages = new Map<string, CheckpointStorageAccess>();
  private stdoutBuffer: string[] = [];
  private stderrBuffer: string[] = [];
  private flushScheduled = false;

  /** What this thread's own data server serves, and the server once it listens. */
  private served: SlotServedPartitions | undefined;
  private dataServer: { readonly address: string; close(): Promise<void> } | undefined;
  private shutDown = false;

  constructor(private readonly opts: SlotRuntimeOptions) {}

  /** Starts the slot's own data server, if it has one, and tells the TaskExecutor the slot takes deployments. */
  start(): void {
    const startServer = this.opts.dataServer;
    if (!startServer) {
      this.send({ type: 'ready' });
      return;
    }
    const served = (this.served = new SlotServedPartitions({
      lookup: (partitionKey) => this.partitions.get(partitionKey),
      failTask: (attemptId, error) => this.tasks.get(attemptId)?.failExternally(error),
      scheduler: this.opts.scheduler,
      requestTimeoutMs: Configuration.fromRecord(this.opts.workerData.configuration).get(NetworkOptions.PARTITION_REQUEST_TIMEOUT),
    }));
    startServer(served).then(
      (server) => {
        if (this.shutDown) return void server.close();
        this.dataServer = server;
        this.opts.logger?.info({ dataAddress: server.address }, `Slot ${this.opts.workerData.slotIndex} serves its pipelined result partitions at ${server.address}.`);
        this.send({ type: 'ready', dataAddress: server.address });
      },
      (e: unknown) => {
        // The slot still works: its partitions are served through the TaskExecutor, as with a fixed data port.
        this.opts.logger?.warn({ err: e }, `The slot's own data server did not start; the TaskManager's serves its partitions: ${e instanceof Error ? e.message : String(e)}`);
        this.served = undefined;
        if (!this.shutDown) this.send({ type: 'ready' });
      },
    );
  }

  /** Handles one message from the TaskExecutor. */
  handle(msg: ToSlot): void {
    switch (msg.type) {
      case 'deploy':
        this.deploying.add(msg.tdd.attemptId);
        void this.deploy(msg.tdd, msg.artifactPath);
        break;
      case 'cancel': {
        const task = this.tasks.get(msg.attemptId);
        if (task) task.cancel();
        else if (this.deploying.has(msg.attemptId)) this.canceledEarly.add(msg.attemptId);
        break;
      }
      case 'attach-consumer': {
        const p = this.partitions.get(msg.partitionKey);
        if (p) p.partition.attachConsumer(msg.subpartition, producerEndpointFromPort(msg.port));
        else msg.port.close();
        break;
      }
      case 'connect-channel':
      case 'connect-local':
      case 'connect-failed': {
        const req = this.pendingConnects.get(msg.requestId);
        if (!req) break;
        this.pendingConnects.delete(msg.requestId);
        try {
          if (msg.type === 'connect-failed') throw deserializeError(msg.error);
          if (msg.type === 'connect-channel') req.gate.connectChannel(req.channel, consumerEndpointFromPort(msg.port));
          else this.connectLocally(req.partitionKey, req.subpartition, req.gate, req.channel);
          req.resolve();
        } catch (e) {
          req.reject(e as Error);
        }
        break;
      }
      case 'fail-task':
        this.tasks.get(msg.attemptId)?.failExternally(deserializeError(msg.error));
        break;
      case 'operator-event-reply': {
        const req = this.pendingEvents.get(msg.requestId);
        if (!req) break;
        this.pendingEvents.delete(msg.requestId);
        if (msg.error) req.reject(deserializeError(msg.error));
        else req.resolve(msg.result);
        break;
      }
      case 'release-job':
        this.checkpointStorages.delete(msg.jobId);
        for (const [key, p] of this.partitions) {
          if (p.jobId === msg.jobId) {
            p.partition.release();
            this.partitions.delete(key);
          }
        }
        break;
      case 'release-partitions':
        for (const key of msg.partitionKeys) {
          this.partitions.get(key)?.partition.release();
          this.partitions.delete(key);
        }
        break;
      case 'stats': {
        const stats: Record<string, unknown> = {};
        for (const [key, p] of this.partitions) stats[key] = p.partition.stats();
        const taskTimes: Record<string, TaskTimeSample> = {};
        const inputWatermarks: Record<string, number> = {};
        const taskRecords: Record<string, TaskRecordCounts> = {};
        for (const [attemptId, task] of this.tasks) {
          taskTimes[attemptId] = task.time.sample();
          inputWatermarks[attemptId] = task.inputWatermark;
          taskRecords[attemptId] = task.records;
        }
        this.send({
          type: 'stats-reply',
          requestId: msg.requestId,
          stats: { runningTasks: this.tasks.size, heapUsedBytes: this.opts.heapUsedBytes(), partitions: stats, taskTimes, inputWatermarks, taskRecords },
        });
        break;
      }
      case 'trigger-checkpoint':
        this.tasks.get(msg.attemptId)?.triggerCheckpoint({
          checkpointId: msg.checkpointId, timestamp: msg.timestamp, location: msg.location, alignedTimeoutMs: msg.alignedTimeoutMs,
          ...(msg.postCheckpointAction ? { postCheckpointAction: msg.postCheckpointAction } : {}),
        });
        break;
      case 'operator-event-to-task':
        this.tasks.get(msg.attemptId)?.deliverOperatorEvent(msg.operatorId, msg.event);
        break;
      case 'notify-checkpoint': {
        const task = this.tasks.get(msg.attemptId);
        if (msg.completed) task?.notifyCheckpointComplete(msg.checkpointId);
        else task?.notifyCheckpointAborted(msg.checkpointId);
        break;
      }
      case 'shutdown':
        this.shutDown = true;
        for (const t of this.tasks.values()) t.cancel();
        // In order (CloseRequest): the producers on the other TaskManagers free their channels and go on.
        this.opts.dataConnections.close();
        // The consumers of this slot's partitions on other TaskManagers fail (as when their TaskManager's server closes).
        this.served?.close();
        void this.dataServer?.close();
        this.flushOutput();
        this.opts.port.close();
        break;
    }
  }

  private send(msg: FromSlot): void {
    this.opts.port.postMessage(msg);
  }

  /** Print output goes to the TaskExecutor in batches, ahead of the state updates that follow it. */
  private flushOutput(): void {
    this.flushScheduled = false;
    if (this.stdoutBuffer.length) this.send({ type: 'stdout', text: this.stdoutBuffer.join('') });
    if (this.stderrBuffer.length) this.send({ type: 'stderr', text: this.stderrBuffer.join('') });
    this.stdoutBuffer = [];
    this.stderrBuffer = [];
  }

  private scheduleFlush(): void {
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.opts.onNextTurn(() => this.flushOutput());
    }
  }

  private getStateBackend(config: Configuration): StateBackend {
    this.stateBackend ??= this.opts.createStateBackend(config);
    return this.stateBackend;
  }

  private connectLocally(partitionKey: string, subpartition: number, gate: InputGate, channel: number): void {
    const p = this.partitions.get(partitionKey);
    if (!p) throw new Error(`Assertion failed: partition ${partitionKey} reported local but not registered`);
    const { producer, consumer } = createLocalChannel();
    gate.connectChannel(channel, consumer);
    p.partition.attachConsumer(subpartition, producer);
  }

  /**
   * A finished attempt's BLOCKING partitions are complete on disk: the TaskExecutor serves them from
   * now on (told before the task's FINISHED, so a consumer deployed on it finds them).
   */
  private handOverBlockingPartitions(attemptId: string): void {
    for (const [partitionKey, p] of this.partitions) {
      if (p.attemptId !== attemptId || !(p.partition instanceof BlockingResultPartition) || !p.partition.isFinished()) continue;
      this.partitions.delete(partitionKey);
      this.send({ type: 'partition-finished', partitionKey, files: p.partition.files });
    }
  }

  private taskLogger(tdd: TaskDeploymentDescriptor): Logger {
    return (this.opts.logger ?? SILENT_LOGGER).child(taskLogFields(tdd));
  }

  private environmentFor(tdd: TaskDeploymentDescriptor, config: Configuration, needsState: boolean): TaskEnvironment {
    const shuffleDirectory = this.opts.workerData.shuffleDirectory;
    return {
      logger: this.taskLogger(tdd),
      clock: this.opts.clock,
      scheduler: this.opts.scheduler,
      random: this.opts.random,
      network: networkConfigFrom(config),
      stateBackend: needsState ? this.getStateBackend(config) : undefined,
      stdout: (line) => {
        this.stdoutBuffer.push(line, '\n');
        if (this.stdoutBuffer.length > 2048) this.flushOutput();
        else this.scheduleFlush();
      },
      stderr: (line) => {
        this.stderrBuffer.push(line, '\n');
        this.scheduleFlush();
      },
      sendOperatorEvent: (attemptId, operatorId, event) => {
        const requestId = ++this.requestSeq;
        return new Promise((resolve, reject) => {
          this.pendingEvents.set(requestId, { resolve, reject });
          this.send({ type: 'operator-event', requestId, envelope: { jobId: tdd.jobId, attemptId, operatorId, event } });
        });
      },
      reportState: (update) => {
        this.flushOutput();
        if (update.state === ExecutionState.FINISHED) this.handOverBlockingPartitions(update.attemptId);
        this.send({ type: 'task-state', update });
      },
      ...(shuffleDirectory === undefined ? {} : {
        blockingPartitionDirectory: () => {
          const dir = join(shuffleDirectory, tdd.jobId);
          mkdirSync(dir, { recursive: true });
          return dir;
        },
      }),
      ...(config.get(CoreOptions.SORTED_INPUTS_ENABLED) ? { sortedInputs: { memoryBytes: config.get(CoreOptions.SORTED_INPUTS_MEMORY) } } : {}),
      ...(config.get(CoreOptions.LOCAL_AGGREGATION_ENABLED) ? { localAggregation: { maxKeys: config.get(CoreOptions.LOCAL_AGGREGATION_MAX_KEYS) } } : {}),
      notifyPartitionDataAvailable: (partitionKey) => this.send({ type: 'partition-data-available', partitionKey, attemptId: tdd.attemptId }),
      notifyEndOfData: () => this.send({ type: 'end-of-data', attemptId: tdd.attemptId }),
      registerPartition: (partitionKey, partition) => {
        this.partitions.set(partitionKey, { jobId: tdd.jobId, attemptId: tdd.attemptId, partition });
        const blocking = partition instanceof BlockingResultPartition;
        this.send({ type: 'partition-registered', partitionKey, jobId: tdd.jobId, attemptId: tdd.attemptId, ...(blocking ? { blocking } : {}) });
        this.served?.registered(partitionKey);
      },
      checkpointing: this.checkpointingFor(tdd, config),
      connectInputChannel: async (partitionKey, subpartition, gate, channel, producer) => {
        // The producer slot's own server where it has one (a PIPELINED partition), else its TaskManager's.
        const dataAddress = producer?.slotDataAddress ?? producer?.dataAddress;
        if (dataAddress !== undefined && producer?.resourceId !== this.opts.workerData.resourceId) {
          const client = await this.opts.dataConnections.get();
          const remote = new DirectRemoteChannel();
          // A broken channel fails the task, which fails over.
          client.requestPartition(dataAddress, partitionKey, subpartition, remote.consumer, (error) => this.tasks.get(tdd.attemptId)?.failExternally(error));
          gate.connectChannel(channel, remote.endpoint);
          return;
        }
        const requestId = ++this.requestSeq;
        return new Promise<void>((resolve, reject) => {
          this.pendingConnects.set(requestId, { partitionKey, subpartition, gate, channel, resolve, reject });
          this.send({ type: 'request-partition', requestId, partitionKey, subpartition, attemptId: tdd.attemptId });
        });
      },
    };
  }

  /**
   * Every task takes part in checkpoints and savepoints (a job that does not checkpoint periodically
   * may still take a savepoint). The job's storage is made when a task first writes or reads state.
   */
  private checkpointingFor(tdd: TaskDeploymentDescriptor, config: Configuration): TaskCheckpointing {
    let storage = this.checkpointStorages.get(tdd.jobId);
    if (!storage) this.checkpointStorages.set(tdd.jobId, (storage = lazyCheckpointStorage(() => this.opts.createCheckpointStorage(config, tdd.jobId))));
    return {
      storage,
      aligned: checkpointSettingsOf(config).mode === 'EXACTLY_ONCE',
      incremental: config.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)
        ? { maxChainLength: config.get(CheckpointingOptions.INCREMENTAL_MAX_CHAIN_LENGTH) }
        : undefined,
      acknowledge: (attemptId, checkpointId, state, metrics) => this.send({ type: 'checkpoint-ack', ack: { jobId: tdd.jobId, attemptId, checkpointId, state, metrics } }),
      decline: (attemptId, checkpointId, cause, countsAsFailure) =>
        this.send({ type: 'checkpoint-decline', decline: { jobId: tdd.jobId, attemptId, checkpointId, error: serializeError(cause), countsAsFailure } }),
    };
  }

  private async deploy(tdd: TaskDeploymentDescriptor, artifactPath: string): Promise<void> {
    const config = Configuration.fromRecord({ ...this.opts.workerData.configuration, ...tdd.jobConfiguration });
    try {
      const graph = await this.opts.loadStreamGraph(artifactPath, {
        args: tdd.args,
        defaultParallelism: config.get(CoreOptions.DEFAULT_PARALLELISM),
        configuration: config,
      });
      verifyChain(tdd, graph);
      this.deploying.delete(tdd.attemptId);
      if (this.canceledEarly.delete(tdd.attemptId)) {
        this.send({ type: 'task-state', update: { jobId: tdd.jobId, attemptId: tdd.attemptId, state: ExecutionState.CANCELED } });
        return;
      }
      const needsState = tdd.vertex.operators.some((o) => graph.getNode(o.streamNodeId).stateKeySelector !== undefined);
      const task = new StreamTask(tdd, graph, this.environmentFor(tdd, config, needsState));
      this.tasks.set(tdd.attemptId, task);
      await task.run();
      this.tasks.delete(tdd.attemptId);
    } catch (e) {
      this.tasks.delete(tdd.attemptId);
      this.deploying.delete(tdd.attemptId);
      this.canceledEarly.delete(tdd.attemptId);
      this.flushOutput();
      this.taskLogger(tdd).info({ err: e }, `Deploying ${taskNameWithSubtaskAndAttempt(tdd)} failed.`);
      this.send({ type: 'task-state', update: { jobId: tdd.jobId, attemptId: tdd.attemptId, state: ExecutionState.FAILED, error: serializeError(e) } });
    }
  }
}

/** A job's checkpoint storage, created on first use (most tasks of most jobs never touch it). */
function lazyCheckpointStorage(create: () => CheckpointStorageAccess): CheckpointStorageAccess {
  let storage: CheckpointStorageAccess | undefined;
  const get = (): CheckpointStorageAccess => (storage ??= create());
  return {
    initializeLocation: (id) => get().initializeLocation(id),
    initializeSavepointLocation: (id, dir) => get().initializeSavepointLocation(id, dir),
    writeState: (location, name, data, options) => get().writeState(location, name, data, options),
    readState: (handle) => get().readState(handle),
    discardState: (handle) => get().discardState(handle),
    writeMetadata: (location, data) => get().writeMetadata(location, data),
    readMetadata: (pointer) => get().readMetadata(pointer),
    discard: (location) => get().discard(location),
  };
}

/** The rebuilt graph must contain the deployed chain, operator by operator (DESIGN.md §5). */
function verifyChain(tdd: TaskDeploymentDescriptor, graph: StreamGraph): void {
  const rebuilt = createJobGraph(graph, { jobId: tdd.jobId, executeIndex: tdd.executeIndex });
  const vertex = rebuilt.vertices.find((v) => v.id === tdd.vertex.id);
  for (const op of tdd.vertex.operators) {
    const found = vertex?.operators.find((o) => o.operatorId === op.operatorId);
    if (!found || found.kind !== op.kind || found.streamNodeId !== op.streamNodeId) {
      throw new JobGraphMismatchError(
        `The job's main built a different graph in the task than in the client: operator '${op.name}' (${op.kind}, id ${op.operatorId}) ` +
          `of '${tdd.vertex.name}' is missing or changed. The main must build the same pipeline on every run (no randomness or ` +
          `time-dependent branching while building the graph).`,
        { operatorId: op.operatorId, operatorName: op.name, vertex: tdd.vertex.name },
      );
    }
  }
}
