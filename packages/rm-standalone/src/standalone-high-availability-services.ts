import { assert, type Configuration } from '@flott/core';
import { DEFAULT_LEADER_ID } from '@flott/runtime/spi';
import type { CheckpointIdCounter, CompletedCheckpointStore, HighAvailabilityServices, HighAvailabilityServicesFactory, JobGraphStore, LeaderElectionService, LeaderRetrievalService } from '@flott/runtime/spi';
import { ComponentLeadership, StandaloneLeaderElectionService, StandaloneLeaderRetrievalService } from './standalone-leader-election';
import {
  InMemoryJobGraphStore,
  newJobCheckpointData,
  StandaloneCheckpointIdCounter,
  StandaloneCompletedCheckpointStore,
} from './standalone-stores';
import type { JobCheckpointData } from './standalone-stores';

export interface StandaloneHighAvailabilityServicesOptions {
  /**
   * Leader session ids. Default: always DEFAULT_LEADER_ID, as Flink's standalone HA, so TaskManager
   * processes know the JobManager's fencing tokens without asking; tests inject others.
   */
  readonly newSessionId?: () => string;
}

/**
 * `high-availability.type: none` (Flink's standalone/embedded HA): every component's single contender
 * is leader at once; addresses, job graphs, checkpoints and ids live in this process's memory, so
 * they survive a JobMaster restart inside the process but not the loss of the process.
 */
export class StandaloneHighAvailabilityServices implements HighAvailabilityServices {
  private readonly components = new Map<string, ComponentLeadership>();
  private readonly jobGraphStore = new InMemoryJobGraphStore();
  private readonly jobs = new Map<string, JobCheckpointData>();
  private readonly newSessionId: () => string;
  private closed = false;

  constructor(options: StandaloneHighAvailabilityServicesOptions = {}) {
    this.newSessionId = options.newSessionId ?? (() => DEFAULT_LEADER_ID);
  }

  getLeaderElectionService(component: string): LeaderElectionService {
    return new StandaloneLeaderElectionService(this.leadership(component));
  }

  getLeaderRetrievalService(component: string): LeaderRetrievalService {
    return new StandaloneLeaderRetrievalService(this.leadership(component));
  }

  getJobGraphStore(): JobGraphStore {
    this.checkOpen();
    return this.jobGraphStore;
  }

  createCompletedCheckpointStore(jobId: string, maxRetained: number): CompletedCheckpointStore {
    return new StandaloneCompletedCheckpointStore(this.jobData(jobId), maxRetained, () => this.forgetIfEmpty(jobId));
  }

  createCheckpointIdCounter(jobId: string): CheckpointIdCounter {
    return new StandaloneCheckpointIdCounter(this.jobData(jobId), () => this.forgetIfEmpty(jobId));
  }

  async cleanupJobData(jobId: string): Promise<void> {
    const data = this.jobs.get(jobId);
    if (data) {
      // Views created before the cleanup must not resurrect the job's old checkpoints.
      data.checkpoints.length = 0;
      data.nextCheckpointId = 1;
    }
    this.jobs.delete(jobId);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.components.values()) c.shutdown();
    this.components.clear();
    this.jobs.clear();
  }

  private leadership(component: string): ComponentLeadership {
    this.checkOpen();
    let leadership = this.components.get(component);
    if (!leadership) this.components.set(component, (leadership = new ComponentLeadership(component, this.newSessionId)));
    return leadership;
  }

  private jobData(jobId: string): JobCheckpointData {
    this.checkOpen();
    let data = this.jobs.get(jobId);
    if (!data) this.jobs.set(jobId, (data = newJobCheckpointData()));
    return data;
  }

  private forgetIfEmpty(jobId: string): void {
    const data = this.jobs.get(jobId);
    if (data && data.checkpoints.length === 0 && data.nextCheckpointId === 1) this.jobs.delete(jobId);
  }

  private checkOpen(): void {
    assert(!this.closed, 'high-availability services used after close');
  }
}

export class StandaloneHighAvailabilityServicesFactory implements HighAvailabilityServicesFactory {
  readonly name = 'none';

  constructor(private readonly options: StandaloneHighAvailabilityServicesOptions = {}) {}

  create(_config: Configuration): HighAvailabilityServices {
    return new StandaloneHighAvailabilityServices(this.options);
  }
}
