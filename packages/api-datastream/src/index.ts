// Public entry point of @flott/api-datastream: everything a job author imports (named exports only).
export { StreamExecutionEnvironment, DEFAULT_JOB_NAME } from './stream-execution-environment';
export type { RuntimeMode, AddSourceOptions, GeneratorOptions } from './stream-execution-environment';
export { DataStream, SingleOutputStreamOperator, DataStreamSink } from './data-stream';
export { KeyedStream } from './keyed-stream';
export { SlotSharingGroup, SlotSharingGroupBuilder } from './slot-sharing-group';
export { ConnectedStreams } from './connected-streams';
export { BroadcastStream, BroadcastConnectedStream } from './broadcast-stream';
// Keyed state, broadcast state and two-input functions (issue 3, state).
export { ValueStateDescriptor, ListStateDescriptor, MapStateDescriptor, ReducingStateDescriptor, AggregatingStateDescriptor,
  StateTtlConfig, UpdateType, StateVisibility, TtlTimeCharacteristic, KeyedStateUnavailableError, RichCoMapFunction,
  RichCoFlatMapFunction, CoProcessFunction, KeyedCoProcessFunction, BroadcastProcessFunction,
  KeyedBroadcastProcessFunction, StateSerializerMismatchError, isTypeSerializer } from '@flott/core';
export type { ValueState, ListState, MapState, ReducingState, AggregatingState, AppendingState, BroadcastState, ReadOnlyBroadcastState,
  AggregateFunction, OperatorStateStore, CoMapFunction, CoFlatMapFunction, CoProcessFunctionLike, KeyedCoProcessFunctionLike,
  BroadcastReadOnlyContext, BroadcastContext, KeyedBroadcastReadOnlyContext, KeyedBroadcastContext, KeyedBroadcastOnTimerContext,
  BroadcastProcessFunctionLike, KeyedBroadcastProcessFunctionLike, TypeSerializer } from '@flott/core';
export { WatermarkStrategy } from './watermark-strategy';
export type { WatermarkGeneratorSupplier } from './watermark-strategy';
export type { NumericField, ComparableField } from './field-types';
export { ExecutionConfig } from './execution-config';
// Checkpointing (issue 13): the job's checkpoint settings and the user function contracts.
export { CheckpointConfig, CheckpointingMode, ExternalizedCheckpointRetention, ExternalizedCheckpointCleanup } from './checkpoint-config';
export type { CheckpointedFunction, CheckpointListener, FunctionSnapshotContext, FunctionInitializationContext,
  KeyedStateStore } from '@flott/core';
export { ParameterTool } from './parameter-tool';
// Async I/O (issue 17): AsyncDataStream, async functions and retry strategies.
export { AsyncDataStream } from './async-data-stream';
export { RichAsyncFunction, AsyncRetryStrategies, AsyncRetryPredicates, InvalidAsyncRetryStrategyError } from '@flott/core';
export type { AsyncFunction, AsyncFunctionLike, AsyncPromiseFunction, ResultFuture, AsyncRetryStrategy, AsyncRetryPredicate } from '@flott/core';
export { AsyncOperationTimeoutError, InvalidAsyncOptionsError } from '@flott/runtime/internal';
export { MissingExecutionContextError, ProgramArgumentsError } from './api-errors';

// User function contracts and helpers, re-exported so jobs need no other import.
export { NumberCounter, IntCounter, LongCounter, DoubleCounter, AbstractRichFunction, RichMapFunction, RichFlatMapFunction, RichFilterFunction, RichSinkFunction, ProcessFunction,
  OutputTag, FlottError, JobBuildError } from '@flott/core';
export type { Accumulator, RuntimeContext, RichFunction, Collector, MapFunction, FlatMapFunction, FilterFunction, ReduceFunction,
  KeySelector, SinkFunction, SinkContext, ProcessContext, MapFunctionLike, FlatMapFunctionLike, FilterFunctionLike,
  SinkFunctionLike, ProcessFunctionLike, ReduceFunctionLike } from '@flott/core';
export { JobStatus } from '@flott/runtime/common';
export type { JobExecutionResult, JobClient } from '@flott/runtime';
export type { Comparable, SourceOperator } from '@flott/runtime/internal';
export type { WriteMode } from '@flott/connector-files';
export { FileSource, FileSourceBuilder, TextLineInputFormat } from '@flott/connector-files';
export type { FileSourceSplit, FileEnumeratorCheckpoint } from '@flott/connector-files';
// Event time and timers (issue 3, time).
export { KeyedProcessFunction, TimeDomain, BoundedOutOfOrdernessWatermarks, AscendingTimestampsWatermarks, NoWatermarksGenerator,
  WatermarksWithIdleness } from '@flott/core';
export type { TimerService, KeyedProcessContext, OnTimerContext, KeyedProcessFunctionLike, WatermarkOutput, WatermarkGenerator,
  TimestampAssigner, WatermarkGeneratorContext, WatermarkStrategyLike } from '@flott/core';

// The unified Source API (FLIP-27), for env.fromSource, and the sources built on it.
export { Boundedness, InputStatus, NumberSequenceSource, DataGeneratorSource, RateLimiterStrategy, RateLimitedSourceReader, IteratorSourceEnumerator, SplitQueue,
  IndexRangeSourceReader, splitIndexRange, FromElementsSource, ElementsSourceReader, SequentialSplitReader } from '@flott/core';
export type { Source, SourceSplit, SourceReader, SourceReaderContext, ReaderOutput, SourceOutput, SourceEvent, SourceTimer, SplitEnumerator,
  SplitEnumeratorContext, SplitsAssignment, ReaderInfo, SimpleVersionedSerializer, IndexRangeSplit, GeneratorFunction, ElementsSplit } from '@flott/core';
// Windows and joins (issue 3, windows).
export { WindowedStream } from './windowing/windowed-stream';
export { AllWindowedStream } from './windowing/all-windowed-stream';
export {
  CoGroupedStreams,
  CoGroupWhereEqualTo,
  WithWindow,
  JoinedStreams,
  JoinWhereEqualTo,
  JoinedWithWindow,
} from './windowing/joined-streams';
export type { JoinFunctionShape, JoinResultOf } from './windowing/joined-streams';
export { IntervalJoin, IntervalJoined } from './windowing/interval-join';
export { TimeWindow, GlobalWindow, WindowAssigner, MergingWindowAssigner, TumblingEventTimeWindows, TumblingProcessingTimeWindows,
  SlidingEventTimeWindows, SlidingProcessingTimeWindows, EventTimeSessionWindows, ProcessingTimeSessionWindows, GlobalWindows, Trigger,
  TriggerResult, EventTimeTrigger, ProcessingTimeTrigger, CountTrigger, PurgingTrigger, ContinuousEventTimeTrigger,
  ContinuousProcessingTimeTrigger, NeverTrigger, EndOfStreamTrigger, CountEvictor, TimeEvictor, DeltaEvictor, ProcessWindowFunction, ProcessAllWindowFunction,
  ProcessJoinFunction, InvalidWindowParameterError, MissingTimestampError } from '@flott/core';
export type { Window, TimestampedValue, WindowAssignerContext, SessionGapExtractor, TriggerContext, OnMergeContext, TriggerState, Evictor,
  EvictorContext, DeltaFunction, ProcessWindowContext, ProcessWindowFn, ProcessAllWindowFn, ProcessWindowFunctionObject,
  ProcessAllWindowFunctionObject, ProcessWindowFunctionLike, ProcessAllWindowFunctionLike, WindowFunction, WindowFn, WindowFunctionObject,
  WindowFunctionLike, AllWindowFunction, AllWindowFn, AllWindowFunctionObject, AllWindowFunctionLike, WindowOrProcessWindowFunction,
  AllWindowOrProcessAllWindowFunction, WindowReduceFunctionLike, JoinFunction, JoinFunctionLike, FlatJoinFunction, CoGroupFunction,
  CoGroupFunctionLike, TaggedUnion, ProcessJoinContext, ProcessJoinFunctionLike } from '@flott/core';
// Durations wherever the API takes one: milliseconds, Duration (Flink 2.x) or Time (Flink 1.x).
export { Duration, Time, InvalidDurationError } from '@flott/core';
export type { DurationLike } from '@flott/core';

// Serializers for `returns()`: how records cross between tasks (msgpack, the default, is the runtime's network format).
export { binaryCodecSerializer } from '@flott/core';
export type { RecordSerializer, RecordEncoder, RecordDecoder, BinaryCodec } from '@flott/core';
export { msgpackSerializer } from '@flott/runtime/internal';

// Custom operators for `transform()` (Flink's AbstractStreamOperator / OneInputStreamOperator).
export { AbstractStreamOperator } from '@flott/runtime/internal';
export type { OneInputStreamOperator, Output, OperatorEnvironment } from '@flott/runtime/internal';

// This package's errors arrive as their own classes when they cross a process or thread (deserializeError).
import { registerErrorClasses } from '@flott/core';
import * as thisPackage from './index';
registerErrorClasses(thisPackage);
