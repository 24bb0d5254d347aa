import type { CoGroupFunction, CoGroupFunctionLike, FlatJoinFunction, JoinFunctionLike, TaggedUnion, Window } from '@flott/core';
import type { InternalWindowFunction } from './internal-window-functions';

/** Splits a window's tagged elements by side and runs the co-group function (Flink's CoGroupWindowFunction). */
export function coGroupWindowFunction<IN1, IN2, OUT>(f: CoGroupFunctionLike<IN1, IN2, OUT>): InternalWindowFunction<TaggedUnion<IN1, IN2>, OUT, unknown, Window> {
  const coGroup = typeof f === 'function' ? f : f.coGroup.bind(f);
  return {
    process: (_key, _window, _ctx, input, out) => {
      const first: IN1[] = [];
      const second: IN2[] = [];
      for (const e of input) {
        if (e.t === 1) first.push(e.v as IN1);
        else second.push(e.v as IN2);
      }
      coGroup(first, second, out);
    },
    clear: () => {},
    userFunctions: [f],
  };
}

/** A join as a co-group: every pair of the window's first × second elements (Flink's JoinCoGroupFunction). */
export function joinCoGroup<IN1, IN2, OUT>(f: JoinFunctionLike<IN1, IN2, OUT>): CoGroupFunction<IN1, IN2, OUT> {
  const join = typeof f === 'function' ? f : f.join.bind(f);
  return {
    coGroup(first, second, out) {
      for (const a of first) for (const b of second) out.collect(join(a, b));
    },
  };
}

export function flatJoinCoGroup<IN1, IN2, OUT>(f: FlatJoinFunction<IN1, IN2, OUT>): CoGroupFunction<IN1, IN2, OUT> {
  return {
    coGroup(first, second, out) {
      for (const a of first) for (const b of second) f.join(a, b, out);
    },
  };
}
