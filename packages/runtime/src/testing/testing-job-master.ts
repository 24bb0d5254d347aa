import { Configuration } from '@flott/core';
import type { OperatorCoordinatorProvider } from '../jobmaster/job-coordinators';
import type { JobStatus } from '../execution/execution-state';
import type { ExecutionState } from '../execution/execution-state';
import type { JobGraph } from '../deployment/job-graph';
import { JobMaster } from '../jobmaster/job-master';
import type { JobResultInfo } from '../rpc/gateways';
import type { CheckpointStorageAccess } from '../spi/checkpoint-storage';
import type { HighAvailabilityServices } from '../spi/high-availability-services';
import { TestingCheckpointHighAvailability } from './testing-checkpoint-services';
import type { TestingControlPlane } from './testing-control-plane';
import { TestingFailoverStrategyFactory } from './testing-failover-strategy';
import { testingJobGraph, testingJobSubmission } from './testing-job-submission';
import { TestingRestartBackoffStrategy } from './testing-restart-backoff-strategy';
import { TestingSchedulingStrategyFactory } from './testing-scheduling-strategy';

export interface TestingJobMasterOptions {
  readonly jobGraph?: JobGraph;
  /** Default: no restarts. */
  readonly restartStrategy?: TestingRestartBackoffStrategy;
  /** Default: restart all. */
  readonly failoverStrategyFactory?: TestingFailoverStrategyFactory;
  readonly restartStrategyDefaultReason?: string;
  readonly configuration?: Configuration;
  /** For jobs that checkpoint or restore. */
  readonly checkpointStorage?: CheckpointStorageAccess;
  readonly highAvailability?: HighAvailabilityServices;
  /** Creates the coordinators of operators that have one. */
  readonly operatorCoordinatorProvider?: OperatorCoordinatorProvider;
}

let jobMasterIds = 0;

/**
 * A JobMaster wired by hand onto a TestingControlPlane (its clock, RPC service and ResourceManager)
 * with the testing strategies, plus what it reported: every job status transition and the result
 * given to `onTerminal`. Not started: the test calls `jobMaster.start()`.
 */
export class TestingJobMasterRun {
  readonly jobMaster: JobMaster;
  readonly scheduling = new TestingSchedulingStrategyFactory();
  readonly failover: TestingFailoverStrategyFactory;
  readonly restartStrategy: TestingRestartBackoffStrategy;
  /** `FROM -> TO` per transition, in order. */
  readonly statusTransitions: string[] = [];
  readonly results: JobResultInfo[] = [];

  constructor(controlPlane: TestingControlPlane, options: TestingJobMasterOptions = {}) {
    this.failover = options.failoverStrategyFactory ?? new TestingFailoverStrategyFactory();
    this.restartStrategy = options.restartStrategy ?? new TestingRestartBackoffStrategy();
    this.jobMaster = new JobMaster({
      submission: testingJobSubmission(options.jobGraph ?? testingJobGraph()),
      configuration: options.configuration ?? controlPlane.jobConfiguration(),
      rpc: controlPlane.rpc,
      clock: controlPlane.clock,
      scheduler: controlPlane.clock,
      resourceManager: controlPlane.resourceManagerLeader(),
      jobMasterId: `testing-jobmaster-${++jobMasterIds}`,
      schedulingStrategyFactory: this.scheduling,
      failoverStrategyFactory: this.failover,
      restartBackoffStrategy: this.restartStrategy,
      restartStrategyDefaultReason: options.restartStrategyDefaultReason,
      onTerminal: (result) => this.results.push(result),
      checkpointServices: options.checkpointStorage
        ? () => ({ storage: options.checkpointStorage!, highAvailability: options.highAvailability ?? new TestingCheckpointHighAvailability() })
        : undefined,
      operatorCoordinatorProvider: options.operatorCoordinatorProvider,
    });
    this.jobMaster.graph.addJobStatusListener((from, to) => this.statusTransitions.push(`${from} -> ${to}`));
  }

  get status(): JobStatus {
    return this.jobMaster.graph.state;
  }

  /** The current attempt's state of every subtask, in topological order. */
  executionStates(): ExecutionState[] {
    return this.jobMaster.graph.getAllExecutionVertices().map((v) => v.executionState);
  }

  /** The current attempt id of every subtask, in topological order. */
  attemptIds(): string[] {
    return this.jobMaster.graph.getAllExecutionVertices().map((v) => v.currentExecution.attemptId);
  }
}
