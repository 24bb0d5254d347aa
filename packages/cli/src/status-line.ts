import type { Clock } from '@flott/core';
import { SystemClock, SystemScheduler, type DispatcherGateway, type JobDetailsInfo, type Scheduler, type TaskRecordCounts } from '@flott/runtime';

/** Where the line goes: a terminal (isTTY) is rewritten in place; `columns` bounds the line's length. */
export interface StatusStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/** What one look at a running job shows. Record counts are totals since the job started, when the cluster reports them. */
export interface JobProgress {
  readonly jobId: string;
  readonly status: string;
  readonly runningTasks: number;
  readonly totalTasks: number;
  readonly recordsIn?: number;
  readonly recordsOut?: number;
  /** The newest completed checkpoint: its id and when it completed (epoch ms). */
  readonly lastCheckpoint?: { readonly id: number; readonly completedAt: number };
}

/** Carriage return and "erase the whole line" (ECMA-48 EL 2): the next text replaces the line in place. */
export const CLEAR_LINE = '\r\x1b[2K';

const count = (n: number) => Math.round(n).toLocaleString('en-US');

function age(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s ago` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min ago`;
}

/**
 * One status line: `Job <id> RUNNING | 4/4 tasks running | in 1,234 rec/s | out 1,200 rec/s | checkpoint 17 (3 s ago)`.
 * Rates come from the difference to `previous` (the look before, `elapsedMs` earlier); without record
 * counts (or a previous look) they are left out.
 */
export function renderStatus(progress: JobProgress, now: number, previous?: { readonly progress: JobProgress; readonly elapsedMs: number }): string {
  const parts = [`Job ${progress.jobId} ${progress.status}`, `${progress.runningTasks}/${progress.totalTasks} tasks running`];
  const rate = (field: 'recordsIn' | 'recordsOut'): string | undefined => {
    const [a, b] = [previous?.progress[field], progress[field]];
    if (a === undefined || b === undefined || !previous || previous.elapsedMs <= 0) return undefined;
    // A task that ended or restarted takes its counts with it: never a negative rate.
    return `${count(Math.max(0, ((b - a) * 1000) / previous.elapsedMs))} rec/s`;
  };
  const inRate = rate('recordsIn');
  const outRate = rate('recordsOut');
  if (inRate) parts.push(`in ${inRate}`);
  if (outRate) parts.push(`out ${outRate}`);
  const cp = progress.lastCheckpoint;
  parts.push(cp ? `checkpoint ${cp.id} (${age(now - cp.completedAt)})` : 'no checkpoint yet');
  return parts.join(' | ');
}

/** What the Dispatcher's job details say, as progress (tasks: subtasks of every vertex). */
export function progressOf(details: JobDetailsInfo): JobProgress {
  let running = 0;
  let total = 0;
  for (const v of details.vertices) {
    total += v.parallelism;
    running += v.states.RUNNING ?? 0;
  }
  const done = details.checkpoints?.history.find((c) => c.status === 'COMPLETED');
  return {
    jobId: details.jobId,
    status: details.status,
    runningTasks: running,
    totalTasks: total,
    lastCheckpoint: done ? { id: done.id, completedAt: done.triggerTimestamp + (done.endToEndDurationMs ?? 0) } : undefined,
  };
}

export interface LiveStatusOptions {
  readonly stream: StatusStream;
  /** How often the line is redrawn (about every second). */
  readonly intervalMs?: number;
  readonly clock?: Clock;
  readonly scheduler?: Scheduler;
  /**
   * The records the job's running tasks read and wrote so far, where the cluster tells (the embedded
   * one, from its TaskExecutors); without it the line shows no record rates.
   */
  readonly records?: (jobId: string) => Promise<TaskRecordCounts | undefined>;
}

/**
 * The live one-line status of an attached `flott run` on a terminal: once the job is submitted it
 * asks the Dispatcher (in-process, or the cluster's REST API) for the job's details about every second
 * and rewrites one line of stderr in place; at the end it leaves the final state on its own line. On a
 * stream that is no terminal it does nothing (the plain status lines are printed as before).
 */
export class LiveStatus {
  private dispatcher?: DispatcherGateway;
  private jobId?: string;
  private timer?: { cancel(): void };
  private last?: { progress: JobProgress; at: number };
  /** Whether the status line is on the screen now, and whether it ever was. */
  private drawn = false;
  private everDrawn = false;
  private stopped = false;
  private polling?: Promise<void>;
  private readonly clock: Clock;
  private readonly scheduler: Scheduler;
  private readonly intervalMs: number;
  private records: ((jobId: string) => Promise<TaskRecordCounts | undefined>) | undefined;

  constructor(private readonly opts: LiveStatusOptions) {
    this.records = opts.records;
    this.clock = opts.clock ?? new SystemClock();
    this.scheduler = opts.scheduler ?? new SystemScheduler();
    this.intervalMs = opts.intervalMs ?? 1000;
  }

  get enabled(): boolean {
    return this.opts.stream.isTTY === true;
  }

  /**
   * The Dispatcher to ask (known before the job is: the embedded cluster starts first), and where the
   * job's record counts come from when the options gave none (a remote cluster: its REST API).
   */
  attach(dispatcher: DispatcherGateway, records?: (jobId: string) => Promise<TaskRecordCounts | undefined>): void {
    this.dispatcher = dispatcher;
    if (records) this.records = records;
    this.maybeStart();
  }

  jobSubmitted(jobId: string): void {
    this.jobId = jobId;
    this.maybeStart();
  }

  /**
   * Stops redrawing. With `finalLine` the line is replaced by it (and a newline); without, the job's
   * final state is asked once more and drawn. Nothing is left half-drawn.
   */
  async stop(finalLine?: string): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.timer?.cancel();
    await this.polling;
    if (!this.enabled || !this.everDrawn) return;
    if (finalLine === undefined && this.dispatcher && this.jobId) {
      const details = await this.dispatcher.requestJobDetails(this.jobId).catch(() => undefined);
      if (details) finalLine = this.line(progressOf(details));
    }
    this.opts.stream.write(`${CLEAR_LINE}${finalLine ?? ''}\n`);
    this.drawn = false;
  }

  /** Writes a whole line (a message) to the stream, above the status line, which the next redraw brings back. */
  println(line: string): void {
    this.opts.stream.write(`${this.drawn ? CLEAR_LINE : ''}${line}\n`);
    this.drawn = false;
  }

  private maybeStart(): void {
    if (!this.enabled || this.stopped || !this.dispatcher || !this.jobId || this.timer) return;
    this.timer = { cancel: () => undefined };
    void this.tick();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    this.polling = this.poll();
    await this.polling;
    if (!this.stopped) this.timer = this.scheduler.schedule(this.intervalMs, () => void this.tick());
  }

  private async poll(): Promise<void> {
    const details = await this.dispatcher!.requestJobDetails(this.jobId!).catch(() => undefined);
    if (!details || this.stopped) return;
    const records = this.records && details.status === 'RUNNING' ? await this.records(this.jobId!).catch(() => undefined) : undefined;
    if (this.stopped) return;
    const progress = { ...progressOf(details), recordsIn: records?.in, recordsOut: records?.out };
    this.draw(this.line(progress));
    this.last = { progress, at: this.clock.currentTimeMillis() };
  }

  private line(progress: JobProgress): string {
    const now = this.clock.currentTimeMillis();
    const previous = this.last ? { progress: this.last.progress, elapsedMs: now - this.last.at } : undefined;
    return renderStatus(progress, now, previous);
  }

  private draw(line: string): void {
    const columns = this.opts.stream.columns;
    // A line longer than the terminal would wrap, and `\r` would then redraw only its last row.
    const fitted = columns && line.length >= columns ? `${line.slice(0, Math.max(0, columns - 2))}…` : line;
    this.opts.stream.write(`${CLEAR_LINE}${fitted}`);
    this.drawn = true;
    this.everDrawn = true;
  }
}
