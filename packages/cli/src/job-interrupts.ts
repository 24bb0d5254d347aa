import type { DispatcherGateway } from '@flott/runtime';

/** Exit codes of a process ended by a signal, as shells report them (128 + signal number). */
const EXIT_CODES: Readonly<Record<'SIGINT' | 'SIGTERM', number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Ctrl-C (SIGINT) and SIGTERM on an attached `flott run`: the first one cancels the running job and
 * lets the run end normally (tasks cancelled, operators closed, sinks flushed), after which the
 * command exits 130 / 143 with the job's final state; a second one exits at once. Before a job was
 * submitted there is nothing to cancel, so the first signal exits at once too.
 */
export class JobInterrupts {
  /** Set by detachOnInterrupt: how the user cancels a job later (e.g. `flott cancel -m host:port <id>`). */
  private cancelCommand?: (jobId: string) => string;
  private jobId?: string;
  private cluster?: { readonly dispatcher: DispatcherGateway };
  private received?: 'SIGINT' | 'SIGTERM';
  private finalStatus?: string;
  private readonly onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => this.handle(signal);

  constructor(
    private readonly write: (line: string) => void,
    private readonly exit: (code: number) => never = (code) => process.exit(code),
  ) {}

  install(): this {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
    return this;
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }

  /**
   * `flott run --detach-on-interrupt` on a remote cluster: Ctrl-C (SIGINT) after the job was submitted
   * leaves it running and exits 0 (the job is as a detached one's), saying how to cancel it; SIGTERM
   * still cancels it.
   */
  detachOnInterrupt(cancelCommand: (jobId: string) => string): this {
    this.cancelCommand = cancelCommand;
    return this;
  }

  jobSubmitted(jobId: string): void {
    this.jobId = jobId;
    if (this.received) this.cancel();
  }

  /** For `runJob`'s `whileRunning` (or a remote run): knows the cluster, and reads the job's final state before the cluster closes. */
  watch(cluster: { readonly dispatcher: DispatcherGateway }): { stop(): Promise<void> } {
    this.cluster = cluster;
    return {
      stop: async () => {
        if (this.received && this.jobId) this.finalStatus = (await cluster.dispatcher.requestJobResult(this.jobId)).status;
      },
    };
  }

  /** 130 / 143 once a signal cancelled the job, with the final state printed; undefined when none came. */
  finish(): number | undefined {
    if (!this.received) return undefined;
    this.write(this.jobId ? `Job ${this.jobId} has been ${this.finalStatus ?? 'CANCELED'}.` : 'No job was running.');
    return EXIT_CODES[this.received];
  }

  private handle(signal: 'SIGINT' | 'SIGTERM'): void {
    if (this.received) {
      this.write(`Received ${signal} again: exiting without waiting for the job to be cancelled.`);
      this.exit(EXIT_CODES[signal]);
    }
    if (signal === 'SIGINT' && this.cancelCommand && this.jobId) {
      this.write(`Received SIGINT: detached from job ${this.jobId}, which keeps running on the cluster. Cancel it with: ${this.cancelCommand(this.jobId)}`);
      this.exit(0);
    }
    this.received = signal;
    if (!this.jobId) {
      this.write(`Received ${signal} before a job was submitted: exiting.`);
      this.exit(EXIT_CODES[signal]);
    }
    this.cancel();
  }

  private cancel(): void {
    const { jobId, cluster } = this;
    if (!jobId || !cluster) return;
    this.write(`Received ${this.received}: cancelling job ${jobId} (send it again to exit at once).`);
    cluster.dispatcher.cancelJob(jobId).catch((e: unknown) => this.write(`Could not cancel job ${jobId}: ${(e as Error).message}`));
  }
}
