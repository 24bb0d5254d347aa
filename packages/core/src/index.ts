// Public entry point of @flott/core (named exports only): the contracts job and plugin authors touch,
// without machinery. Job authors get them through @flott/api-datastream; the runtime and plugins
// import them from here.

// Typed errors: the base class with its JSON form, and the errors of building a job.
export { FlottError, RemoteError, serializeError, deserializeError, registerErrorClasses, registerErrorClassLoader, ConfigurationError, UnknownImplementationError, JobBuildError,
  assert } from './errors';
export type { SerializedError } from './errors';

// Durations: milliseconds, Duration (Flink 2.x) or Time (Flink 1.x).
export { Duration, Time, InvalidDurationError, toMillis, toSignedMillis } from './duration';
export type { DurationLike } from './duration';

// Configuration option types, the validated configuration, Flink's units.
export { ConfigOptions } from './config/config-option';
export type { ConfigOption, ParseResult, ValueSchema } from './config/config-option';
export { Configuration } from './config/configuration';
export { parseDurationMs, parseMemoryBytes, formatDuration, formatMemorySize } from './config/units';

// Time: the injected clock and the event-time markers.
export { Clock } from './time/clock';
export { NO_TIMESTAMP, MAX_WATERMARK } from './time/timestamps';

// User functions.
export { OutputTag } from './functions/functions';
export type { Collector, MapFunction, FlatMapFunction, FilterFunction, ReduceFunction, KeySelector, SinkFunction, SinkContext,
  AggregateFunction, MapFunctionLike, FlatMapFunctionLike, FilterFunctionLike, SinkFunctionLike, ReduceFunctionLike } from './functions/functions';

// State: descriptors, handles, time-to-live.
export { AbstractStateDescriptor, ValueStateDescriptor, ListStateDescriptor, MapStateDescriptor, ReducingStateDescriptor,
  AggregatingStateDescriptor } from './state/state-descriptors';
export type { StateDescriptor, StateKind, ReduceFunctionOrLambda } from './state/state-descriptors';
export type { State, ValueState, AppendingState, ListState, ReducingState, AggregatingState, MapState, ReadOnlyBroadcastState,
  BroadcastState } from './state/state-handles';
export type { KeyedStateStore } from './state/keyed-state-store';
export type { OperatorStateStore } from './state/operator-state-store';
export { StateTtlConfig, StateTtlConfigBuilder, UpdateType, StateVisibility, TtlTimeCharacteristic } from './state/state-ttl';
export { KeyedStateUnavailableError, StateDescriptorConflictError, NullStateValueError,
  InvalidStateConfigurationError, StateSerializerMismatchError } from './state/state-errors';

// Rich functions: life cycle, runtime context, process functions, two-input and broadcast functions.
export { NumberCounter, IntCounter, LongCounter, DoubleCounter, AbstractRichFunction, isRichFunction, RichMapFunction,
  RichFlatMapFunction, RichFilterFunction, RichSinkFunction, ProcessFunction, TimeDomain, KeyedProcessFunction } from './rich-functions/rich-functions';
export type { Accumulator, RuntimeContext, RichFunction, ProcessContext, TimerService, KeyedProcessContext, OnTimerContext,
  ProcessElementFn, ProcessFunctionLike, KeyedProcessFunctionLike } from './rich-functions/rich-functions';
export { RichCoMapFunction, RichCoFlatMapFunction, CoProcessFunction, KeyedCoProcessFunction } from './rich-functions/co-functions';
export type { CoMapFunction, CoFlatMapFunction, CoMapFunctionLike, CoFlatMapFunctionLike, CoProcessFunctionLike,
  KeyedCoProcessFunctionLike } from './rich-functions/co-functions';
export { BroadcastProcessFunction, KeyedBroadcastProcessFunction } from './rich-functions/broadcast-functions';
export type { BaseBroadcastContext, BroadcastReadOnlyContext, BroadcastContext, KeyedBroadcastReadOnlyContext, KeyedBroadcastContext,
  KeyedBroadcastOnTimerContext, BroadcastProcessFunctionLike, KeyedBroadcastProcessFunctionLike } from './rich-functions/broadcast-functions';

// Async I/O (issue 17): async functions, their result futures and retry strategies.
export { RichAsyncFunction, asyncResultRecords } from './rich-functions/async-functions';
export type { ResultFuture, AsyncFunction, AsyncPromiseFunction, AsyncFunctionLike } from './rich-functions/async-functions';
export { AsyncRetryStrategies, AsyncRetryPredicates, FixedDelayRetryStrategyBuilder, ExponentialBackoffDelayRetryStrategyBuilder,
  InvalidAsyncRetryStrategyError, MAX_ASYNC_RETRY_ATTEMPTS } from './rich-functions/async-retry';
export type { AsyncRetryStrategy, AsyncRetryPredicate } from './rich-functions/async-retry';

// Checkpoints: functions with state of their own, and listeners for completed checkpoints.
export { isCheckpointedFunction } from './checkpointing/checkpointed-function';
export type { CheckpointedFunction, FunctionSnapshotContext, FunctionInitializationContext } from './checkpointing/checkpointed-function';
export { isCheckpointListener } from './checkpointing/checkpoint-listener';
export type { CheckpointListener } from './checkpointing/checkpoint-listener';

// Sinks (Flink's Sink V2): writers, and committers of two-phase-commit sinks.
export { supportsCommitter, supportsWriterState, isSink, isCommittingSinkWriter, isStatefulSinkWriter } from './sink/sink';
export type { Sink, SinkWriter, SinkWriterContext, CommittingSinkWriter, StatefulSinkWriter, SupportsWriterState, SupportsCommitter,
  Committer, CommitRequest, WriterInitContext, CommitterInitContext, ProcessingTimeService, ScheduledTimer } from './sink/sink';
export type { SimpleVersionedSerializer } from './serialization/simple-versioned-serializer';
export { isTypeSerializer, type TypeSerializer } from './serialization/type-serializer';

// Watermarks.
export { BoundedOutOfOrdernessWatermarks, AscendingTimestampsWatermarks, NoWatermarksGenerator,
  WatermarksWithIdleness } from './watermarks/watermark-generator';
export type { WatermarkOutput, WatermarkGenerator, TimestampAssigner, WatermarkGeneratorContext,
  WatermarkStrategyLike } from './watermarks/watermark-generator';

// Windows: windows, assigners, triggers, evictors, window and join functions.
export { TimeWindow, GlobalWindow, getWindowStartWithOffset } from './windowing/windows';
export type { Window, TimestampedValue } from './windowing/windows';
export { WindowAssigner, MergingWindowAssigner, isMergingAssigner, mergeTimeWindows, mergesIntersectingTimeWindows, TumblingEventTimeWindows,
  TumblingProcessingTimeWindows, SlidingEventTimeWindows, SlidingProcessingTimeWindows, EventTimeSessionWindows,
  ProcessingTimeSessionWindows, GlobalWindows } from './windowing/assigners';
export type { WindowAssignerContext, MergeCallback, SessionGapExtractor } from './windowing/assigners';
export { TriggerResult, isFire, isPurge, Trigger, EventTimeTrigger, ProcessingTimeTrigger, CountTrigger, PurgingTrigger,
  ContinuousEventTimeTrigger, ContinuousProcessingTimeTrigger, NeverTrigger, EndOfStreamTrigger } from './windowing/triggers';
export type { TriggerState, TriggerContext, OnMergeContext } from './windowing/triggers';
export { CountEvictor, TimeEvictor, DeltaEvictor } from './windowing/evictors';
export type { EvictorContext, Evictor, DeltaFunction } from './windowing/evictors';
export { InvalidWindowParameterError, MissingTimestampError } from './windowing/window-errors';
export { ProcessWindowFunction, ProcessAllWindowFunction } from './windowing/window-functions';
export type { ProcessWindowContext, ProcessWindowFn, ProcessAllWindowFn, ProcessWindowFunctionObject, ProcessAllWindowFunctionObject,
  ProcessWindowFunctionLike, ProcessAllWindowFunctionLike, WindowFunction, AllWindowFunction, WindowFn, AllWindowFn, NotAFunction,
  WindowFunctionObject, AllWindowFunctionObject, WindowFunctionLike, AllWindowFunctionLike, WindowOrProcessWindowFunction,
  AllWindowOrProcessAllWindowFunction, AggregateFunctionLike, WindowReduceFunctionLike } from './windowing/window-functions';
export { ProcessJoinFunction } from './windowing/join-functions';
export type { JoinFunction, JoinFunctionLike, FlatJoinFunction, CoGroupFunction, CoGroupFunctionLike, TaggedUnion, ProcessJoinContext,
  ProcessJoinFn, ProcessJoinFunctionLike } from './windowing/join-functions';

// Serializers: how records cross between tasks (the msgpack default is the runtime's).
export { binaryCodecSerializer, copyBytes } from './serialization/serializer';
export { ValueCopier, NOT_COPIED, shapeMaker, type ShapeMaker } from './serialization/value-copier';
export type { RecordSerializer, RecordEncoder, RecordDecoder, BinaryCodec } from './serialization/serializer';

// Sources: Flink's unified Source API (FLIP-27) and the sources built on it.
export { Boundedness, InputStatus, isSource } from './connector/source/source';
export type { Source, SourceSplit, SourceReader, SourceReaderContext, ReaderOutput, SourceOutput, SourceEvent, SourceTimer,
  SplitEnumerator, SplitEnumeratorContext, SplitsAssignment, ReaderInfo } from './connector/source/source';
export { IteratorSourceEnumerator, IndexRangeSourceReader, splitIndexRange } from './connector/source/lib/iterator-source';
export type { IndexRangeSplit } from './connector/source/lib/iterator-source';
export { NumberSequenceSource } from './connector/source/lib/number-sequence-source';
export { DataGeneratorSource, RateLimiterStrategy, RateLimitedSourceReader } from './connector/source/lib/data-generator-source';
export type { GeneratorFunction } from './connector/source/lib/data-generator-source';
export { SplitQueue } from './connector/source/lib/split-queue';
export { SequentialSplitReader } from './connector/source/lib/sequential-split-reader';
export { FromElementsSource, ElementsSourceReader } from './connector/source/lib/from-elements-source';
export type { ElementsSplit } from './connector/source/lib/from-elements-source';

// This package's errors arrive as their own classes when they cross a process or thread (deserializeError).
import * as thisPackage from './index';
import { registerErrorClasses as registerThisPackagesErrors } from './errors';
registerThisPackagesErrors(thisPackage);
