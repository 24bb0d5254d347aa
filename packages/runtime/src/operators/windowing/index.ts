// Windows: assigners, triggers, evictors, window operators (naive and sliced) and joins.
export { TimeWindow, GlobalWindow, getWindowStartWithOffset } from './windows';
export type { Window, TimestampedValue } from './windows';
export {
  WindowAssigner,
  MergingWindowAssigner,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  SlidingEventTimeWindows,
  SlidingProcessingTimeWindows,
  EventTimeSessionWindows,
  ProcessingTimeSessionWindows,
  GlobalWindows,
  mergeTimeWindows,
} from './assigners';
export type { WindowAssignerContext, MergeCallback, SessionGapExtractor } from './assigners';
export {
  Trigger,
  TriggerResult,
  EventTimeTrigger,
  ProcessingTimeTrigger,
  CountTrigger,
  PurgingTrigger,
  ContinuousEventTimeTrigger,
  ContinuousProcessingTimeTrigger,
  NeverTrigger,
  EndOfStreamTrigger,
} from './triggers';
export type { TriggerContext, OnMergeContext, TriggerState } from './triggers';
export { CountEvictor, TimeEvictor, DeltaEvictor } from './evictors';
export type { Evictor, EvictorContext, DeltaFunction } from './evictors';
export { InvalidWindowParameterError, MissingTimestampError } from './window-errors';
export { MergingWindowSet } from './merging-window-set';
export {
  ProcessWindowFunction,
  ProcessAllWindowFunction,
  passThroughWindowFunction,
  internalProcessWindowFunction,
  internalProcessAllWindowFunction,
  internalWindowFunction,
  internalAllWindowFunction,
  internalWindowOrProcessFunction,
  internalAllWindowOrProcessFunction,
  reduceFn,
} from './window-functions';
export type {
  ProcessWindowContext,
  ProcessWindowFn,
  ProcessAllWindowFn,
  ProcessWindowFunctionObject,
  ProcessAllWindowFunctionObject,
  ProcessWindowFunctionLike,
  ProcessAllWindowFunctionLike,
  WindowFunction,
  WindowFn,
  WindowFunctionObject,
  WindowFunctionLike,
  AllWindowFunction,
  AllWindowFn,
  AllWindowFunctionObject,
  AllWindowFunctionLike,
  WindowOrProcessWindowFunction,
  AllWindowOrProcessAllWindowFunction,
  NotAFunction,
  InternalWindowFunction,
  WindowReduceFunctionLike,
} from './window-functions';
export { reducingContents, aggregatingContents, listContents, evictingContents, reduceFold, aggregateFold, identityFold } from './window-contents';
export type { WindowContents } from './window-contents';
export { WindowOperator } from './window-operator';
export type { WindowOperatorOptions } from './window-operator';
export { SlicingWindowOperator } from './slicing-window-operator';
export { createWindowOperator, slicingGeometry } from './window-operator-factory';
export type { WindowOperatorChoice } from './window-operator-factory';
export { ProcessJoinFunction, coGroupWindowFunction, joinCoGroup, flatJoinCoGroup } from './join-functions';
export type {
  JoinFunction,
  JoinFunctionLike,
  FlatJoinFunction,
  CoGroupFunction,
  CoGroupFunctionLike,
  TaggedUnion,
  ProcessJoinContext,
  ProcessJoinFunctionLike,
} from './join-functions';
export { IntervalJoinOperator } from './interval-join-operator';
export type { IntervalJoinOptions } from './interval-join-operator';
