/** One attempt that runs in a simulated slot. */
export interface SimulatedAttempt {
  readonly attemptId: string;
  readonly vertexId: string;
  readonly subtaskIndex: number;
  readonly attemptNumber: number;
  /** The TaskManager it runs on. */
  readonly host: string;
}

/**
 * What the simulated tasks did, as the invariants need it: which attempts run in slots right now
 * (and since when), and which subtasks acknowledged each checkpoint. The tasks write it; the
 * invariant checks read it.
 */
export class SimulationLedger {
  private readonly running = new Map<string, { readonly attempt: SimulatedAttempt; readonly since: number }>();
  private readonly acks = new Map<number, Set<string>>();
  private readonly finished = new Set<string>();

  taskRunning(attempt: SimulatedAttempt, now: number): void {
    this.running.set(attempt.attemptId, { attempt, since: now });
  }

  taskEnded(attemptId: string): void {
    this.running.delete(attemptId);
  }

  /** An attempt of subtask `vertexId#subtaskIndex` finished. */
  subtaskFinished(vertexId: string, subtaskIndex: number): void {
    this.finished.add(subtaskKey(vertexId, subtaskIndex));
  }

  /** Whether some attempt of the subtask (`vertexId#index`) finished so far. */
  hasFinished(key: string): boolean {
    return this.finished.has(key);
  }

  /** A TaskManager died: nothing runs there any more. */
  hostDied(host: string): void {
    for (const [id, { attempt }] of this.running) if (attempt.host === host) this.running.delete(id);
  }

  acknowledged(checkpointId: number, vertexId: string, subtaskIndex: number): void {
    let subtasks = this.acks.get(checkpointId);
    if (!subtasks) this.acks.set(checkpointId, (subtasks = new Set()));
    subtasks.add(subtaskKey(vertexId, subtaskIndex));
  }

  /** The subtasks (`vertexId#index`) some attempt of which acknowledged `checkpointId`. */
  acknowledgedBy(checkpointId: number): ReadonlySet<string> {
    return this.acks.get(checkpointId) ?? new Set();
  }

  /** Attempts running in slots now, with when they started running. */
  runningAttempts(): Array<{ readonly attempt: SimulatedAttempt; readonly since: number }> {
    return [...this.running.values()];
  }
}

export function subtaskKey(vertexId: string, subtaskIndex: number): string {
  return `${vertexId}#${subtaskIndex}`;
}
