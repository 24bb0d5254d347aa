import type { SerializedError } from '@flott/core';
import {
  ExecutionState,
  type CheckpointStatisticsEntry,
  type ExecutionGraphInfo,
  type ExecutionSnapshot,
  type JobDetailsInfo,
  type JobGraph,
  type TaskRecordCounts,
} from '@flott/runtime';

/**
 * Flink's REST JSON shapes (docs/rest-api.md lists them), built from what the Dispatcher answers.
 * Field names are Flink's, dashes and all, so tools written for Flink read them.
 */

const EXECUTION_STATES = Object.values(ExecutionState);

/** Keys whose values /jobmanager/config hides, as Flink's GlobalConfiguration#isSensitive. */
const SENSITIVE = ['password', 'secret', 'token', 'secret-key', 'secret.key', 'access-key', 'access.key', 'apikey', 'auth-params', 'service-key', 'basic-auth', 'jaas.config'];
export const HIDDEN_VALUE = '******';

export function isSensitiveKey(key: string): boolean {
  const k = key.toLowerCase();
  return SENSITIVE.some((s) => k.includes(s));
}


function duration(start: number, end: number, now: number): number {
  if (start <= 0) return -1;
  return (end > 0 ? end : now) - start;
}

function statusCounts(details: JobDetailsInfo): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(EXECUTION_STATES.map((s) => [s, 0]));
  for (const v of details.vertices) for (const [s, n] of Object.entries(v.states)) counts[s] = (counts[s] ?? 0) + n;
  return counts;
}

/** One row of /jobs/overview (Flink's JobDetails, as its own serializer writes it). */
export function jobOverviewEntry(details: JobDetailsInfo, now: number): Record<string, unknown> {
  const counts = statusCounts(details);
  const tasks: Record<string, number> = { total: Object.values(counts).reduce((a, b) => a + b, 0) };
  for (const [s, n] of Object.entries(counts)) tasks[s.toLowerCase()] = n;
  return {
    jid: details.jobId,
    name: details.jobName,
    state: details.status,
    'start-time': details.startTime,
    'end-time': details.endTime,
    duration: duration(details.startTime, details.endTime, now),
    'last-modification': details.endTime > 0 ? details.endTime : details.startTime,
    tasks,
  };
}

/** An operator chain's name, as Flink's plan shows it ("Source: a -> Map -> Sink: b"). */
function vertexDescription(graph: JobGraph, vertexId: string): string {
  const v = graph.vertices.find((x) => x.id === vertexId);
  return v ? v.operators.map((o) => o.name).join(' -> ') : vertexId;
}

/** /jobs/:jobid/plan's `plan` (Flink's JsonPlanGenerator). */
export function jobPlan(graph: JobGraph): Record<string, unknown> {
  return {
    jid: graph.jobId,
    name: graph.jobName,
    type: graph.jobType,
    nodes: graph.vertices.map((v) => ({
      id: v.id,
      parallelism: v.parallelism,
      operator: '',
      operator_strategy: '',
      description: vertexDescription(graph, v.id),
      ...(v.inputs.length > 0
        ? {
            inputs: v.inputs.map((e, num) => ({
              num,
              id: e.sourceVertexId,
              ship_strategy: e.partitioner.toUpperCase(),
              exchange: e.resultPartitionType === 'BLOCKING' ? 'blocking' : 'pipelined',
            })),
          }
        : {}),
      optimizer_properties: {},
    })),
  };
}

/** Records by attempt id, where the cluster reports them (ClusterInfoGateway#taskRecords). */
export type RecordsByAttempt = Readonly<Record<string, TaskRecordCounts>>;

/** Flink's IOMetricsInfo of tasks: records read and written (complete when every task reported); bytes are not counted. */
function ioMetrics(counts: ReadonlyArray<TaskRecordCounts | undefined>): Record<string, unknown> {
  const known = counts.filter((c): c is TaskRecordCounts => c !== undefined);
  const complete = counts.length > 0 && known.length === counts.length;
  return {
    'read-bytes': 0, 'read-bytes-complete': false, 'write-bytes': 0, 'write-bytes-complete': false,
    'read-records': known.reduce((sum, c) => sum + c.in, 0), 'read-records-complete': complete,
    'write-records': known.reduce((sum, c) => sum + c.out, 0), 'write-records-complete': complete,
  };
}

function subtaskInfo(e: ExecutionSnapshot, subtask: number, now: number, records: RecordsByAttempt): Record<string, unknown> {
  const start = e.stateTimestamps[ExecutionState.DEPLOYING] ?? e.stateTimestamps[ExecutionState.CREATED] ?? -1;
  const terminal = [ExecutionState.FINISHED, ExecutionState.CANCELED, ExecutionState.FAILED].find((s) => s === e.state);
  const end = terminal ? (e.stateTimestamps[terminal] ?? -1) : -1;
  return {
    subtask,
    status: e.state,
    attempt: e.attemptNumber,
    host: e.assignedSlot?.dataAddress?.split(':')[0] ?? 'localhost',
    'start-time': start,
    start_time: start,
    'end-time': end,
    duration: duration(start, end, now),
    'taskmanager-id': e.assignedSlot?.taskManagerId ?? '(unassigned)',
    metrics: ioMetrics([records[e.attemptId]]),
  };
}

/** /jobs/:jobid/vertices/:vertexid (JobVertexDetailsInfo); undefined when the job has no such vertex. */
export function vertexDetails(info: ExecutionGraphInfo, vertexId: string, now: number, records: RecordsByAttempt = {}): Record<string, unknown> | undefined {
  const v = info.jobGraph.vertices.find((x) => x.id === vertexId);
  if (!v) return undefined;
  return {
    id: v.id,
    name: vertexDescription(info.jobGraph, v.id),
    parallelism: v.parallelism,
    maxParallelism: v.maxParallelism,
    now,
    subtasks: (info.subtasks[v.id] ?? []).map((e, i) => subtaskInfo(e, i, now, records)),
  };
}

/** /jobs/:jobid (JobDetailsInfo). */
export function jobDetails(info: ExecutionGraphInfo, now: number, records: RecordsByAttempt = {}): Record<string, unknown> {
  const timestamps: Record<string, number> = {};
  timestamps[info.status] = info.endTime > 0 ? info.endTime : info.startTime;
  timestamps.CREATED = info.startTime;
  return {
    jid: info.jobId,
    name: info.jobName,
    isStoppable: false,
    state: info.status,
    'job-type': info.jobGraph.jobType,
    'start-time': info.startTime,
    'end-time': info.endTime,
    duration: duration(info.startTime, info.endTime, now),
    maxParallelism: info.jobGraph.maxParallelism,
    now,
    timestamps,
    vertices: info.jobGraph.vertices.map((v) => {
      const d = vertexDetails(info, v.id, now)!;
      const states: Record<string, number> = Object.fromEntries(EXECUTION_STATES.map((s) => [s, 0]));
      for (const e of info.subtasks[v.id] ?? []) states[e.state]++;
      const metrics = ioMetrics((info.subtasks[v.id] ?? []).map((e) => records[e.attemptId]));
      return { id: d.id, name: d.name, maxParallelism: d.maxParallelism, parallelism: d.parallelism, status: vertexStatus(states), tasks: states, metrics };
    }),
    'status-counts': statusCounts(info),
    plan: jobPlan(info.jobGraph),
  };
}

/** A vertex's aggregate state as Flink's ExecutionJobVertex#getAggregateState ranks them. */
function vertexStatus(states: Record<string, number>): string {
  for (const s of ['FAILED', 'CANCELING', 'CANCELED', 'RUNNING', 'INITIALIZING', 'DEPLOYING', 'SCHEDULED']) if (states[s] > 0) return s;
  const total = Object.values(states).reduce((a, b) => a + b, 0);
  return states.FINISHED === total && total > 0 ? 'FINISHED' : 'CREATED';
}

function exceptionText(e: SerializedError): string {
  return e.stack ?? `${e.name}: ${e.message}`;
}

/** /jobs/:jobid/exceptions (JobExceptionsInfoWithHistory), the newest `max` entries. */
export function jobExceptions(info: ExecutionGraphInfo, max: number): Record<string, unknown> {
  const entries = info.exceptionHistory.slice(0, max).map((e) => ({
    exceptionName: e.exception.name,
    stacktrace: exceptionText(e.exception),
    timestamp: e.timestamp,
    ...(e.taskName !== undefined ? { taskName: e.taskName } : {}),
    ...(e.taskManagerId !== undefined ? { location: e.taskManagerId, taskManagerId: e.taskManagerId } : {}),
    concurrentExceptions: [],
  }));
  const root = info.exceptionHistory[0];
  return {
    ...(root ? { 'root-exception': exceptionText(root.exception), timestamp: root.timestamp } : {}),
    'all-exceptions': [],
    truncated: info.exceptionHistory.length > max,
    exceptionHistory: { entries, truncated: info.exceptionHistory.length > max },
  };
}

/** /jobs/:jobid/config (JobConfigInfo): the job's own configuration as user-config, strings as Flink shows them. */
export function jobConfig(info: ExecutionGraphInfo): Record<string, unknown> {
  const conf = info.configuration;
  const userConfig = Object.fromEntries(Object.entries(conf).map(([k, v]) => [k, isSensitiveKey(k) ? HIDDEN_VALUE : typeof v === 'string' ? v : JSON.stringify(v)]));
  return {
    jid: info.jobId,
    name: info.jobName,
    'execution-config': {
      'execution-mode': info.jobGraph.jobType === 'BATCH' ? 'BATCH' : 'PIPELINED',
      'restart-strategy': String(conf['restart-strategy.type'] ?? 'Cluster level default restart strategy'),
      'job-parallelism': Number(conf['parallelism.default'] ?? 1),
      'object-reuse-mode': Boolean(conf['pipeline.object-reuse'] ?? false),
      'user-config': userConfig,
    },
  };
}

/** One checkpoint (CheckpointStatistics and its completed/failed/in-progress subtypes). */
export function checkpointStatistics(c: CheckpointStatisticsEntry): Record<string, unknown> {
  const className = c.status === 'COMPLETED' ? 'completed' : c.status === 'FAILED' ? 'failed' : 'in_progress';
  return {
    // Flink writes the subtype as `className`; its generated OpenAPI spec names it `clazz`. Both, so both readers work.
    className,
    clazz: className,
    id: c.id,
    status: c.status,
    is_savepoint: c.type === 'SAVEPOINT',
    savepointFormat: c.type === 'SAVEPOINT' ? 'CANONICAL' : undefined,
    trigger_timestamp: c.triggerTimestamp,
    latest_ack_timestamp: c.endToEndDurationMs !== undefined ? c.triggerTimestamp + c.endToEndDurationMs : -1,
    state_size: c.stateSize,
    checkpointed_size: c.stateSize,
    end_to_end_duration: c.endToEndDurationMs ?? -1,
    alignment_buffered: 0,
    processed_data: 0,
    persisted_data: 0,
    num_subtasks: c.tasks,
    num_acknowledged_subtasks: c.acknowledged,
    checkpoint_type: c.type,
    tasks: {},
    ...(c.externalPath !== undefined ? { external_path: c.externalPath, discarded: false } : {}),
    ...(c.status === 'FAILED' ? { failure_timestamp: c.triggerTimestamp + (c.endToEndDurationMs ?? 0), failure_message: c.failureMessage ?? '' } : {}),
  };
}

function summaryOf(values: number[]): Record<string, number> {
  if (values.length === 0) return { min: 0, max: 0, avg: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  return { min: sorted[0], max: sorted[sorted.length - 1], avg: Math.round(values.reduce((a, b) => a + b, 0) / values.length), p50: q(0.5), p90: q(0.9), p95: q(0.95), p99: q(0.99), p999: q(0.999) };
}

/** /jobs/:jobid/checkpoints (CheckpointingStatistics); the summary covers the checkpoints still in the history. */
export function checkpointingStatistics(info: ExecutionGraphInfo): Record<string, unknown> {
  const stats = info.checkpoints ?? { counts: { triggered: 0, inProgress: 0, completed: 0, failed: 0 }, history: [] };
  const completed = stats.history.filter((c) => c.status === 'COMPLETED');
  const latestOf = (pred: (c: CheckpointStatisticsEntry) => boolean) => {
    // Absent rather than null when there is none: the spec's schemas are not nullable.
    const c = stats.history.find(pred);
    return c ? checkpointStatistics(c) : undefined;
  };
  return {
    counts: { restored: 0, total: stats.counts.triggered, in_progress: stats.counts.inProgress, completed: stats.counts.completed, failed: stats.counts.failed },
    summary: {
      state_size: summaryOf(completed.map((c) => c.stateSize)),
      checkpointed_size: summaryOf(completed.map((c) => c.stateSize)),
      end_to_end_duration: summaryOf(completed.map((c) => c.endToEndDurationMs ?? 0)),
      alignment_buffered: summaryOf([]),
      processed_data: summaryOf([]),
      persisted_data: summaryOf([]),
    },
    latest: {
      completed: latestOf((c) => c.status === 'COMPLETED' && c.type === 'CHECKPOINT'),
      savepoint: latestOf((c) => c.status === 'COMPLETED' && c.type === 'SAVEPOINT'),
      failed: latestOf((c) => c.status === 'FAILED'),
    },
    history: stats.history.map(checkpointStatistics),
  };
}

/** /jobs/:jobid/checkpoints/config (CheckpointConfigInfo). */
export function checkpointConfig(info: ExecutionGraphInfo): Record<string, unknown> {
  const c = info.checkpointing;
  const conf = info.configuration;
  return {
    mode: c.mode,
    interval: c.intervalMs > 0 ? c.intervalMs : Number.MAX_SAFE_INTEGER,
    timeout: c.timeoutMs,
    min_pause: c.minPauseMs,
    max_concurrent: c.maxConcurrent,
    externalization: { enabled: c.retention !== 'NO_EXTERNALIZED_CHECKPOINTS', delete_on_cancellation: c.retention !== 'RETAIN_ON_CANCELLATION' },
    state_backend: String(conf['state.backend.type'] ?? 'hashmap'),
    checkpoint_storage: String(conf['execution.checkpointing.storage'] ?? (conf['execution.checkpointing.dir'] ? 'filesystem' : 'jobmanager')),
    unaligned_checkpoints: c.unaligned,
    tolerable_failed_checkpoints: c.tolerableFailures,
    aligned_checkpoint_timeout: c.alignedTimeoutMs,
    checkpoints_after_tasks_finish: true,
    state_changelog_enabled: false,
    changelog_periodic_materialization_interval: -1,
    changelog_storage: 'memory',
  };
}
