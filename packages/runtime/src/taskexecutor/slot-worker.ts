/**
 * Entry point of a task slot thread (DESIGN.md §4). Receives deployments from its TaskExecutor,
 * re-runs the job's main in task mode to rebuild the graph, and runs the deployed subtasks as
 * mailbox tasks on this thread.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Configuration, deserializeError, serializeError } from '@flott/core';
import { CoreOptions } from '../config/options';
import { JobGraphMismatchError } from '../errors';
import { ExecutionState } from '../executiongraph/execution-state';
import { createJobGraph } from '../graph';
import type { StreamGraph } from '../graph/stream-graph';
import { extractStreamGraph } from '../client/job-loader';
import {
  consumerEndpointFromPort,
  createLocalChannel,
  networkConfigFrom,
  producerEndpointFromPort,
  type InputGate,
  type ResultPartition,
} from '../network';
import { createThreadLogger } from '../logging/thread-logger';
import { createPluginContainer } from '../plugins/plugin-loader';
import { loadStateBackendFactory } from '../spi/loaders';
import type { StateBackend } from '../spi/state-backend';
import { SystemClock, SystemScheduler } from '../time/clock';
import type { TaskDeploymentDescriptor } from './deployment';
import type { FromSlot, SlotWorkerData, ToSlot } from './slot-protocol';
import { StreamTask, type TaskEnvironment } from './stream-task';

const port = parentPort!;
const data = workerData as SlotWorkerData;
const slotConfig = Configuration.fromRecord(data.configuration);
const clock = new SystemClock();
const scheduler = new SystemScheduler();
const tasks = new Map<string, StreamTask>();
/** Attempts canceled before their task existed (while main was being re-run). */
const canceledEarly = new Set<string>();
const deploying = new Set<string>();
const partitions = new Map<string, { jobId: string; partition: ResultPartition<unknown> }>();
const pendingConnects = new Map<number, { partitionKey: string; subpartition: number; gate: InputGate; channel: number; resolve: () => void; reject: (e: Error) => void }>();
const pendingEvents = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let requestSeq = 0;
let stateBackend: StateBackend | undefined;
let stdoutBuffer: string[] = [];
let stderrBuffer: string[] = [];
let flushScheduled = false;

function send(msg: FromSlot, transfer?: MessagePort[]): void {
  port.postMessage(msg, transfer);
}

/** This thread's logger: lines go to the TaskExecutor's destination, in order with the messages above. */
const log = createThreadLogger(data.logLevel ?? 'off', { resourceId: data.resourceId, slot: data.slotIndex }, (line) => send({ type: 'log', line }));

/** Print output goes to the TaskExecutor in batches, ahead of the state updates that follow it. */
function flushOutput(): void {
  flushScheduled = false;
  if (stdoutBuffer.length) send({ type: 'stdout', text: stdoutBuffer.join('') });
  if (stderrBuffer.length) send({ type: 'stderr', text: stderrBuffer.join('') });
  stdoutBuffer = [];
  stderrBuffer = [];
}

function scheduleFlush(): void {
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushOutput);
  }
}

function getStateBackend(config: Configuration): StateBackend {
  if (!stateBackend) {
    const container = createPluginContainer(data.pluginModules);
    stateBackend = loadStateBackendFactory(container, config).create(config);
  }
  return stateBackend;
}

function connectLocally(partitionKey: string, subpartition: number, gate: InputGate, channel: number): void {
  const p = partitions.get(partitionKey);
  if (!p) throw new Error(`Assertion failed: partition ${partitionKey} reported local but not registered`);
  const { producer, consumer } = createLocalChannel();
  gate.connectChannel(channel, consumer);
  p.partition.attachConsumer(subpartition, producer);
}

function environmentFor(tdd: TaskDeploymentDescriptor, config: Configuration, needsState: boolean): TaskEnvironment {
  return {
    logger: taskLogger(tdd),
    clock,
    scheduler,
    network: networkConfigFrom(config),
    stateBackend: needsState ? getStateBackend(config) : undefined,
    stdout(line) {
      stdoutBuffer.push(line, '\n');
      if (stdoutBuffer.length > 2048) flushOutput();
      else scheduleFlush();
    },
    stderr(line) {
      stderrBuffer.push(line, '\n');
      scheduleFlush();
    },
    sendOperatorEvent(attemptId, operatorId, event) {
      const requestId = ++requestSeq;
      return new Promise((resolve, reject) => {
        pendingEvents.set(requestId, { resolve, reject });
        send({ type: 'operator-event', requestId, envelope: { jobId: tdd.jobId, attemptId, operatorId, event } });
      });
    },
    reportState(update) {
      flushOutput();
      send({ type: 'task-state', update });
    },
    registerPartition(partitionKey, partition) {
      partitions.set(partitionKey, { jobId: tdd.jobId, partition });
      send({ type: 'partition-registered', partitionKey, jobId: tdd.jobId });
    },
    connectInputChannel(partitionKey, subpartition, gate, channel) {
      const requestId = ++requestSeq;
      return new Promise<void>((resolve, reject) => {
        pendingConnects.set(requestId, { partitionKey, subpartition, gate, channel, resolve, reject });
        send({ type: 'request-partition', requestId, partitionKey, subpartition });
      });
    },
  };
}

function taskLogger(tdd: TaskDeploymentDescriptor) {
  return log.child({ jobId: tdd.jobId, task: tdd.vertex.name, subtask: tdd.subtaskIndex, attempt: tdd.attemptNumber, attemptId: tdd.attemptId });
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

async function deploy(tdd: TaskDeploymentDescriptor, artifactPath: string): Promise<void> {
  const config = Configuration.fromRecord({ ...data.configuration, ...tdd.jobConfiguration });
  try {
    const { graph } = await extractStreamGraph(artifactPath, {
      mode: 'task',
      args: tdd.args,
      defaultParallelism: config.get(CoreOptions.DEFAULT_PARALLELISM),
      configuration: config,
    });
    verifyChain(tdd, graph);
    deploying.delete(tdd.attemptId);
    if (canceledEarly.delete(tdd.attemptId)) {
      send({ type: 'task-state', update: { jobId: tdd.jobId, attemptId: tdd.attemptId, state: ExecutionState.CANCELED } });
      return;
    }
    const needsState = tdd.vertex.operators.some((o) => graph.getNode(o.streamNodeId).stateKeySelector !== undefined);
    const task = new StreamTask(tdd, graph, environmentFor(tdd, config, needsState));
    tasks.set(tdd.attemptId, task);
    await task.run();
    tasks.delete(tdd.attemptId);
  } catch (e) {
    tasks.delete(tdd.attemptId);
    deploying.delete(tdd.attemptId);
    canceledEarly.delete(tdd.attemptId);
    flushOutput();
    taskLogger(tdd).info({ err: e }, `Deploying ${tdd.vertex.name} (${tdd.subtaskIndex + 1}/${tdd.vertex.parallelism})#${tdd.attemptNumber} failed.`);
    send({ type: 'task-state', update: { jobId: tdd.jobId, attemptId: tdd.attemptId, state: ExecutionState.FAILED, error: serializeError(e) } });
  }
}

port.on('message', (msg: ToSlot) => {
  switch (msg.type) {
    case 'deploy':
      deploying.add(msg.tdd.attemptId);
      void deploy(msg.tdd, msg.artifactPath);
      break;
    case 'cancel': {
      const task = tasks.get(msg.attemptId);
      if (task) task.cancel();
      else if (deploying.has(msg.attemptId)) canceledEarly.add(msg.attemptId);
      break;
    }
    case 'attach-consumer': {
      const p = partitions.get(msg.partitionKey);
      if (p) p.partition.attachConsumer(msg.subpartition, producerEndpointFromPort(msg.port));
      else msg.port.close();
      break;
    }
    case 'connect-channel':
    case 'connect-local':
    case 'connect-failed': {
      const req = pendingConnects.get(msg.requestId);
      if (!req) break;
      pendingConnects.delete(msg.requestId);
      try {
        if (msg.type === 'connect-failed') throw deserializeError(msg.error);
        if (msg.type === 'connect-channel') req.gate.connectChannel(req.channel, consumerEndpointFromPort(msg.port));
        else connectLocally(req.partitionKey, req.subpartition, req.gate, req.channel);
        req.resolve();
      } catch (e) {
        req.reject(e as Error);
      }
      break;
    }
    case 'operator-event-reply': {
      const req = pendingEvents.get(msg.requestId);
      if (!req) break;
      pendingEvents.delete(msg.requestId);
      if (msg.error) req.reject(deserializeError(msg.error));
      else req.resolve(msg.result);
      break;
    }
    case 'release-job':
      for (const [key, p] of partitions) {
        if (p.jobId === msg.jobId) {
          p.partition.release();
          partitions.delete(key);
        }
      }
      break;
    case 'release-partitions':
      for (const key of msg.partitionKeys) {
        partitions.get(key)?.partition.release();
        partitions.delete(key);
      }
      break;
    case 'stats': {
      const stats: Record<string, unknown> = {};
      for (const [key, p] of partitions) stats[key] = p.partition.stats();
      send({ type: 'stats-reply', requestId: msg.requestId, stats: { runningTasks: tasks.size, heapUsedBytes: process.memoryUsage().heapUsed, partitions: stats } });
      break;
    }
    case 'shutdown':
      for (const t of tasks.values()) t.cancel();
      flushOutput();
      port.close();
      break;
  }
});

process.setSourceMapsEnabled(true);
send({ type: 'ready' });
