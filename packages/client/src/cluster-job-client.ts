import { deserializeError, FlottError } from '@flott/core';
import {
  JobExecutionError,
  JobStatus,
  isGloballyTerminal,
  type CollectingJobClient,
  type CollectingJobExecutionResult,
  type DispatcherGateway,
  type ExecuteOptions,
  type JobResultInfo,
  type Scheduler,
} from '@flott/runtime';

export interface ClusterJobClientOptions {
  readonly dispatcher: DispatcherGateway;
  readonly jobId: string;
  /** Which collect sinks to drain and when to stop collecting. */
  readonly execute: ExecuteOptions;
  readonly scheduler: Scheduler;
  /** Longest pause between two polls for the result (the pause doubles from 2 ms up to it). */
  readonly pollIntervalMs?: number;
}

const sleep = (scheduler: Scheduler, ms: number) => new Promise<void>((resolve) => scheduler.schedule(ms, resolve));

/**
 * A job submitted to a Dispatcher (Flink's ClusterClientJobClientAdapter). The result is polled
 * for only once somebody asks for it; while polling it drains what the job's collect sinks
 * delivered, and cancels the job once the collect limit is reached.
 */
export class ClusterJobClient implements CollectingJobClient {
  private result?: Promise<CollectingJobExecutionResult>;
  private resultSettled = false;
  private canceledHere = false;

  constructor(private readonly opts: ClusterJobClientOptions) {}

  getJobID(): string {
    return this.opts.jobId;
  }

  getJobStatus(): Promise<JobStatus> {
    return this.opts.dispatcher.requestJobStatus(this.opts.jobId);
  }

  async cancel(): Promise<void> {
    this.canceledHere = true;
    await this.opts.dispatcher.cancelJob(this.opts.jobId);
  }

  triggerSavepoint(savepointDirectory?: string): Promise<string> {
    return this.opts.dispatcher.triggerSavepoint(this.opts.jobId, savepointDirectory);
  }

  /** The job ends FINISHED (see DispatcherGateway#stopWithSavepoint), so its result is a success. */
  stopWithSavepoint(advanceToEndOfEventTime: boolean, savepointDirectory?: string): Promise<string> {
    return this.opts.dispatcher.stopWithSavepoint(this.opts.jobId, savepointDirectory, advanceToEndOfEventTime);
  }

  /** Detached submission: the result is there at once and tells nothing but the job's id and name (Flink's DetachedJobExecutionResult). */
  detach(jobName: string): void {
    this.result = Promise.resolve(detachedResult(this.opts.jobId, jobName));
    this.resultSettled = true;
  }

  getJobExecutionResult(): Promise<CollectingJobExecutionResult> {
    if (!this.result) {
      this.result = this.pollResult();
      this.result.then(
        () => (this.resultSettled = true),
        () => (this.resultSettled = true),
      );
    }
    return this.result;
  }

  /**
   * What the client does once main returned (Flink's application mode waits for the jobs it
   * submitted): nothing when the result is in; when main asked for the result but did not await it,
   * `warn`, then wait; when main never asked (executeAsync), wait quietly, and a cancellation main
   * asked for through this client is no failure.
   */
  async awaitTermination(warn: () => void): Promise<void> {
    if (this.resultSettled) return;
    if (this.result) {
      warn();
      await this.result;
      return;
    }
    try {
      await this.getJobExecutionResult();
    } catch (e) {
      if (!this.canceledHere) throw e;
    }
  }

  private async pollResult(): Promise<CollectingJobExecutionResult> {
    const { dispatcher, jobId, execute: options } = this.opts;
    const wanted = new Set(options.collectSinkIds ?? []);
    const collected = new Map<string, unknown[]>([...wanted].map((id) => [id, []]));
    let version = 0;
    let total = 0;
    let limitReached = false;
    let interval = 2;
    const drain = async () => {
      if (wanted.size === 0) return;
      const batch = await dispatcher.pollCollected(jobId);
      if (batch.version !== version) {
        version = batch.version;
        total = 0;
        for (const list of collected.values()) list.length = 0;
      }
      for (const { sinkId, records } of batch.records) {
        const list = collected.get(sinkId);
        if (!list) continue;
        for (const r of records) {
          if (options.collectLimit !== undefined && total >= options.collectLimit) break;
          list.push(r);
          total++;
        }
      }
      if (options.collectLimit !== undefined && total >= options.collectLimit && !limitReached) {
        limitReached = true;
        await dispatcher.cancelJob(jobId);
      }
    };
    let result: JobResultInfo;
    for (;;) {
      await drain();
      result = await dispatcher.requestJobResult(jobId);
      if (isGloballyTerminal(result.status)) break;
      await sleep(this.opts.scheduler, interval);
      interval = Math.min(this.opts.pollIntervalMs ?? 50, interval * 2);
    }
    await drain();
    const finishedEnough = result.status === JobStatus.FINISHED || (limitReached && result.status === JobStatus.CANCELED);
    if (!finishedEnough) {
      const cause = result.error ? deserializeError(result.error) : undefined;
      throw new JobExecutionError(jobId, `Job '${result.jobName}' (${jobId}) ${result.status}${cause ? `: ${cause.message}` : ''}`, { cause });
    }
    return { jobId, jobName: result.jobName, netRuntimeMs: result.netRuntimeMs, accumulators: result.accumulators, collected };
  }
}

function detachedResult(jobId: string, jobName: string): CollectingJobExecutionResult {
  const unavailable = (): never => {
    throw new FlottError(
      'DETACHED_RESULT_UNAVAILABLE',
      `Job ${jobId} was submitted detached (flott run -d): its runtime, accumulators and collected records are not available to the program.`,
      { jobId },
    );
  };
  return {
    jobId,
    jobName,
    get netRuntimeMs(): number {
      return unavailable();
    },
    get accumulators(): Record<string, unknown> {
      return unavailable();
    },
    get collected(): ReadonlyMap<string, unknown[]> {
      return unavailable();
    },
  };
}
