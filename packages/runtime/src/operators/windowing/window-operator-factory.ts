import { EventTimeTrigger, SlidingEventTimeWindows, TumblingEventTimeWindows, type TimeWindow, type Window } from '@flott/core';
import type { OneInputStreamOperator } from '../stream-operator';
import { SlicingWindowOperator } from './slicing-window-operator';
import type { InternalWindowFunction } from './internal-window-functions';
import { WindowOperator, type WindowOperatorOptions } from './window-operator';

export interface WindowOperatorChoice {
  /** Use window slicing where it gives the same results (default true); false forces the naive operator. */
  readonly slicing?: boolean;
}

/** The sliding/tumbling geometry when window slicing applies to these options, else undefined. */
export function slicingGeometry<IN, ACC, V, OUT, W extends Window>(
  options: WindowOperatorOptions<IN, ACC, V, OUT, W>,
): { size: number; slide: number; offset: number } | undefined {
  const { assigner, trigger, evictor, allowedLateness, contents } = options;
  if (evictor || (allowedLateness ?? 0) !== 0 || !contents.combineSlices) return undefined;
  if (trigger !== undefined && !(trigger instanceof EventTimeTrigger)) return undefined;
  if (assigner instanceof SlidingEventTimeWindows) return { size: assigner.size, slide: assigner.slide, offset: assigner.offset };
  if (assigner instanceof TumblingEventTimeWindows) return { size: assigner.size, slide: assigner.size, offset: assigner.offset };
  return undefined;
}

/**
 * The window operator for these options: the slicing operator for sliding/tumbling event-time
 * windows with reduce/aggregate, the default trigger, no evictor and no allowed lateness; the
 * general WindowOperator otherwise (process functions over all elements, custom triggers, evictors).
 */
export function createWindowOperator<IN, ACC, V, OUT, W extends Window>(
  options: WindowOperatorOptions<IN, ACC, V, OUT, W>,
  choice: WindowOperatorChoice = {},
): OneInputStreamOperator<IN, OUT> {
  const geometry = choice.slicing === false ? undefined : slicingGeometry(options);
  if (!geometry) return new WindowOperator(options);
  return new SlicingWindowOperator<IN, ACC, V, OUT>({
    ...geometry,
    contents: options.contents,
    windowFunction: options.windowFunction as unknown as InternalWindowFunction<V, OUT, unknown, TimeWindow>,
    lateDataOutputTag: options.lateDataOutputTag,
  });
}
