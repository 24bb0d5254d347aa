// `@flott/runtime/internal`: the runtime machinery that packages building jobs compose (named exports only).
// It is not a stable API. Lint (eslint.config.mjs) lets only the packages that build or run jobs from these
// parts import it: the DataStream API, the file connector, the Nexmark library, the client and the CLI.
// What is not listed here is not exported at all; a name that another package starts to need is added here
// (or, if a distribution composes it, to the public index), with the reason in its group's comment.

// --- the StreamGraph the API builds, and its translation to the JobGraph (the client submits it, `flott info` prints it) ---
export { StreamGraph } from './graph/stream-graph';
export { ResourceSpecs, InvalidResourceSpecError } from './deployment/resource-spec';
export type { ResourceSpec } from './deployment/resource-spec';
export type { StreamPartitioner, ChainingStrategy, StreamNode, StreamEdge, ExecutionConfigSnapshot, InputCombiner } from './graph/stream-graph';
export { createJobGraph, describeJobGraph, jobGraphToJson } from './graph/index';
// `execute()` hands the graph to whichever context the CLI, the task loader or a test installed.
export { setExecutionContext, getExecutionContext } from './client/execution-context';

// --- the operator contracts sources, sinks and transformations implement (the API and connectors) ---
export { InputStatus, isTwoInputOperator } from './operators/stream-operator';
export type { Output, OperatorEnvironment, AvailabilityProvider, StreamOperator, OneInputStreamOperator, TwoInputStreamOperator,
  SourceOperator } from './operators/stream-operator';
export { AbstractStreamOperator, AvailabilityNotifier, AVAILABLE, formatRecord } from './operators/index';
// The default record serializer (msgpack), which the API offers beside the ones `returns()` takes.
export { msgpackSerializer } from './serialization/msgpack-serializer';

// --- the operators the DataStream API's transformations build ---
export { StreamMap, StreamFlatMap, StreamFilter, StreamSink, ProcessOperator, KeyedAggregationOperator, reduceAggregation,
  fieldAggregation, selectorAggregation, byAggregation, fieldSelector, PrintSink, CollectSink, collectSinkId, isCollectBatchEvent } from './operators/index';
export type { RollingAggregation, Comparable, AggregationKind } from './operators/index';
// The Sink V2 operators `sinkTo(sink)` builds: a writer, chained to a committer for two-phase-commit sinks.
export { SinkWriterOperator, CommitterOperator, SinkCommitFailedError, SinkStateRestoreError } from './operators/index';
export type { CommittableMessage } from './operators/index';
export { KeyedProcessOperator } from './operators/keyed-process-operator';
// Async I/O (`AsyncDataStream`): the operator and its errors.
export { AsyncWaitOperator, checkAsyncOptions, DEFAULT_ASYNC_CAPACITY, AsyncOperationTimeoutError, InvalidAsyncOptionsError } from './operators/async/index';
export type { AsyncOutputMode, AsyncWaitOptions } from './operators/async/index';
export { TimestampsAndWatermarksOperator } from './operators/watermarks/index';
// The unified Source API's readers in a task (`env.fromSource`); their enumerators run on the JobMaster.
export { SourceReaderOperator } from './operators/sources/source-reader-operator';
// A unified source's coordinator, for runs without a JobMaster (the API's in-process test context).
export { SourceCoordinator } from './coordination/source-coordinator';
export type { SourceWatermarks } from './operators/sources/source-reader-operator';
export { CoStreamMap, CoStreamFlatMap, CoProcessOperator, KeyedCoProcessOperator } from './operators/co-operators';
export { CoBroadcastWithNonKeyedOperator, CoBroadcastWithKeyedOperator } from './operators/broadcast-operators';
// Timers and keyed state for the API's ProcessFunction contexts outside an operator's own.
export { HeapInternalTimeServiceManager } from './operators/timers/index';
export { DefaultKeyedStateStore, NON_KEYED_STATE_STORE } from './state/index';
// Operator state for the API's in-process test context, which initialises operators as a task does.
export { DefaultOperatorStateStore } from './state/index';

// --- window operators and the internal window functions they run (the API's windowed streams and joins) ---
export { passThroughWindowFunction, internalProcessWindowFunction, internalProcessAllWindowFunction, internalWindowFunction,
  internalAllWindowFunction, internalWindowOrProcessFunction, internalAllWindowOrProcessFunction, reduceFn, reducingContents,
  aggregatingContents, listContents, evictingContents, reduceFold, aggregateFold, identityFold, createWindowOperator,
  coGroupWindowFunction, joinCoGroup, flatJoinCoGroup, IntervalJoinOperator } from './operators/windowing/index';
export type { InternalWindowFunction, WindowContents } from './operators/windowing/index';

// --- the network stack, driven directly by the CLI's channel benchmark ---
export { defaultNetworkConfig, createLocalChannel, producerEndpointFromPort, consumerEndpointFromPort, ResultPartition, InputGate,
  ElementKind } from './network/index';
// --- the checkpoint file codecs (docs/checkpoint-format.md), for tools and tests that read or write snapshot files ---
export { encodeKeyedStateFile, decodeKeyedStateFile, encodeOperatorStateFile, decodeOperatorStateFile, encodeCheckpointMetadata,
  decodeCheckpointMetadata } from './checkpoint/format/index';
// The asynchronous part of a keyed snapshot, for tests that stream a backend's snapshot to a storage (lmdb under a heap limit).
export { prepareKeyedSnapshot } from './checkpoint/keyed-snapshot';
export type { KeyedSnapshotInProgress } from './checkpoint/keyed-snapshot';
export type { KeyedStateSnapshot, KeyGroupSnapshot, KeyedStateEntry, TimerEntry, OperatorStateSnapshotData, CheckpointMetadata,
  OperatorStateMetadata, OperatorSubtaskState, TaskStateSnapshot, StreamStateHandle, KeyedStateHandle } from './snapshot/snapshot-data';
