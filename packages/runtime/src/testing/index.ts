// Testing entry point of @flott/runtime (`@flott/runtime/testing`): the shared contract suites every
// SPI implementation runs, and hand-written Testing* fakes. Suites register jest `describe`/`it`, so
// call them only from a spec file.
export { schedulingStrategyContractTests, failoverStrategyContractTests, contractTopologies } from './scheduling-contract';
export { SchedulingSimulation } from './scheduling-simulation';
export type { SimulationOptions, SimulationResult } from './scheduling-simulation';
export { restartBackoffStrategyContractTests } from './restart-backoff-contract';
export type { RestartBackoffContractCase } from './restart-backoff-contract';
export { stateBackendContractTests, testKeyGroupOf } from './state-contract';
export { checkpointStorageContractTests } from './checkpoint-storage-contract';
export type { CheckpointStorageContractOptions } from './checkpoint-storage-contract';
export { localCheckpointStorageFiles } from './checkpoint-storage-files';
export { checkpointFileSystemContractTests } from './checkpoint-file-system-contract';
export { testBytes, chunksOf, sameBytes } from './test-bytes';
export type { CheckpointFileSystemContractOptions } from './checkpoint-file-system-contract';
export type { CheckpointStorageFiles } from './checkpoint-storage-files';
// Checkpoint files: seeded snapshots for round-trip tests, damaged copies for error tests.
export { randomKeyedStateSnapshot, randomOperatorStateSnapshot, randomStateValue, randomKey, randomNamespace } from './random-snapshots';
export { checkpointFileDamageTests, truncated, withFlippedByte, withFormatVersion } from './checkpoint-file-damage';
export type { CheckpointFileDamageCase } from './checkpoint-file-damage';
export { useTemporaryDirectory } from './temporary-directory';
export { highAvailabilityServicesContractTests, testJobGraph } from './high-availability-contract';
export type { HighAvailabilityContractOptions } from './high-availability-contract';
export { resourceManagerDriverContractTests } from './resource-manager-driver-contract';
export type { ResourceManagerDriverTestContext } from './resource-manager-driver-contract';
export { TestingSchedulingTopology } from './testing-scheduling-topology';
export type { ConnectOptions } from './testing-scheduling-topology';
export { TestingSchedulerOperations } from './testing-scheduler-operations';
export { TestingResourceEventHandler } from './testing-resource-event-handler';
export type { WorkerTermination } from './testing-resource-event-handler';
export { TestingResourceManagerDriver, TestingResourcePlatform } from './testing-resource-manager-driver';
export { TestingLeaderContender, TestingLeaderRetrievalListener } from './testing-leader-contender';
// Control-plane fakes: a JobManager role or TaskExecutor served on an in-process RpcService, recording its calls.
export { TestingTaskExecutorGateway } from './testing-task-executor-gateway';
export type { SlotRequestCall, TestingTaskExecutorOptions } from './testing-task-executor-gateway';
export { TestingJobMasterGateway } from './testing-job-master-gateway';
export type { SlotOfferCall } from './testing-job-master-gateway';
export { TestingResourceManagerGateway } from './testing-resource-manager-gateway';
export type { ResourceDeclaration } from './testing-resource-manager-gateway';
export { settle, settleUntil, advanceSettling } from './settle';
export { TestingControlPlane } from './testing-control-plane';
export type { TestingControlPlaneOptions } from './testing-control-plane';
export { TestingJobMasterRun } from './testing-job-master';
export type { TestingJobMasterOptions } from './testing-job-master';
export { testingJobGraph, testingJobSubmission, TESTING_BUNDLE, TESTING_BUNDLE_SHA256 } from './testing-job-submission';
export type { TestingJobGraphOptions } from './testing-job-submission';
export { TestingSchedulingStrategy, TestingSchedulingStrategyFactory } from './testing-scheduling-strategy';
export { TestingFailoverStrategy, TestingFailoverStrategyFactory } from './testing-failover-strategy';
export type { TasksNeedingRestart } from './testing-failover-strategy';
export { TestingRestartBackoffStrategy, TestingRestartBackoffStrategyFactory } from './testing-restart-backoff-strategy';
// StreamTasks in-process: an in-memory slot environment, real deployment descriptors, recording operators.
export { TestingTaskEnvironment } from './testing-task-environment';
export { testingDeploymentDescriptors } from './testing-deployment';
export { TestingSourceOperator, TestingOneInputOperator } from './testing-stream-operators';
export type { OpenHook } from './testing-stream-operators';
export { TestingTaskSlot, TestingTaskSlots } from './testing-task-slot';
export type { LeaderInformation } from './testing-leader-contender';

// Operator test harnesses (Flink's OneInputStreamOperatorTestHarness and friends).
export { OneInputOperatorTestHarness, KeyedOneInputOperatorTestHarness, TwoInputOperatorTestHarness, SourceOperatorTestHarness,
  InMemoryKeyedStateBackend, RecordingOutput, OutputEvent, TestingRuntimeContext } from '../operators/testing';
export type { OperatorTestHarnessOptions, HarnessRestore, OperatorSnapshot, RecordedElement, RecordedSideElement, TestingRuntimeContextOptions } from '../operators/testing';
export { TestingLogger } from './testing-logger';
export type { LogRecord } from './testing-logger';
// A unified source's coordinator and readers wired together without a cluster (connector tests).
export { TestingSourceWiring } from './testing-source-wiring';
export { testingBlobStore } from './testing-blob-store';
export { testCertificates } from './test-certificates';
export type { TestCertificates } from './test-certificates';
// The deterministic cluster simulator (docs/simulation.md): real JobManager roles and TaskExecutors on a ManualClock and a seeded network.
export { runSimulation } from './simulation/cluster-simulation';
export type { ClusterSimulationOptions, ClusterSimulationResult, SimulationStrategies } from './simulation/cluster-simulation';
export { scenarioForSeed } from './simulation/simulation-scenario';
export type { SimulationScenario, SimulatedScheduling, SimulatedFailover, SimulatedRestart } from './simulation/simulation-scenario';
export { SimulationInvariantError, SimulationStuckError } from './simulation/simulation-trace';
export { sweepSimulations, describeSweepFailures, seedCountFromEnvironment, seedFromEnvironment, seedRange } from './simulation/simulation-sweep';
export type { SweepResult } from './simulation/simulation-sweep';
