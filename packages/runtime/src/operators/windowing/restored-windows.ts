import { GlobalWindow, TimeWindow, type Window } from '@flott/core';

/**
 * A window as the operator's timers and merging window sets hold it after a restore. Checkpoints keep
 * values, not classes (checkpoint/format/state-values.ts), so a TimeWindow comes back as a plain
 * `{ start, end }` object and GlobalWindow as `{ namespace: 'global' }`; this builds the window again
 * (Flink reads windows back with the assigner's window serializer). A live window is returned as is.
 * Windows of other classes cannot be rebuilt: restoring one is a broken invariant and fails loudly.
 */
export function restoredWindow<W extends Window>(stored: unknown): W {
  if (isLiveWindow(stored)) return stored as W;
  const s = stored as { readonly start?: unknown; readonly end?: unknown; readonly namespace?: unknown } | null;
  if (s !== null && typeof s === 'object') {
    if (typeof s.start === 'number' && typeof s.end === 'number') return new TimeWindow(s.start, s.end) as unknown as W;
    if (s.namespace === GlobalWindow.INSTANCE.namespace) return GlobalWindow.INSTANCE as unknown as W;
  }
  throw new Error(`Assertion failed: cannot restore window ${JSON.stringify(stored)}: only TimeWindow and GlobalWindow windows are restored from checkpoints`);
}

/** Whether a value is a window object with its methods (not one a checkpoint gave back as plain data). */
export function isLiveWindow(value: unknown): boolean {
  return typeof (value as Partial<Window> | undefined)?.maxTimestamp === 'function';
}
