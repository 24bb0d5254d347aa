// Windows: assigners, triggers, evictors, window operators (naive and sliced) and joins.
export { MergingWindowSet } from './merging-window-set';
export {
  passThroughWindowFunction,
  internalProcessWindowFunction,
  internalProcessAllWindowFunction,
  internalWindowFunction,
  internalAllWindowFunction,
  internalWindowOrProcessFunction,
  internalAllWindowOrProcessFunction,
  reduceFn,
} from './internal-window-functions';
export type { InternalWindowFunction } from './internal-window-functions';
export {
  reducingContents,
  aggregatingContents,
  listContents,
  evictingContents,
  reduceFold,
  aggregateFold,
  identityFold,
} from './window-contents';
export type { WindowContents } from './window-contents';
export { WindowOperator } from './window-operator';
export type { WindowOperatorOptions } from './window-operator';
export { SlicingWindowOperator } from './slicing-window-operator';
export { createWindowOperator, slicingGeometry } from './window-operator-factory';
export type { WindowOperatorChoice } from './window-operator-factory';
export { coGroupWindowFunction, joinCoGroup, flatJoinCoGroup } from './internal-join-functions';
export { IntervalJoinOperator } from './interval-join-operator';
export type { IntervalJoinOptions } from './interval-join-operator';
