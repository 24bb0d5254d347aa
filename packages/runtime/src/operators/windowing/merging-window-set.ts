import { mergesIntersectingTimeWindows, TimeWindow, type MergingWindowAssigner, type StateDescriptor, type Window } from '@flott/core';
import type { KeyedStateBackend } from '../../spi/state-backend';
import { isLiveWindow, restoredWindow } from './restored-windows';

/**
 * Flink's MergingWindowSet state: per key, one array [window, state window, window, state window, …]
 * (Flink's list of (window, state window) tuples, flattened), changed in place and written back when
 * it changed, so an element costs no decoding and no rebuilding of the set.
 */
export const MERGING_WINDOW_SET: StateDescriptor = { name: 'merging-window-set', kind: 'value' };

/** No state windows to merge (shared: a merge function only reads the list). */
const NO_WINDOWS: readonly Window[] = Object.freeze([]);

/**
 * Called when windows merge: `mergeResult` replaces `mergedWindows`; the contents of
 * `mergedStateWindows` must be merged into `stateWindowResult`.
 */
export type MergeFunction<W> = (mergeResult: W, mergedWindows: readonly W[], stateWindowResult: W, mergedStateWindows: readonly W[]) => void;

/** Equal windows: the same object, or equal by value (`equals`, else the namespace). */
export function sameWindow(a: Window, b: Window): boolean {
  return a === b || (a.equals !== undefined ? a.equals(b) : a.namespace === b.namespace);
}

/**
 * The merging (session) windows of the current key (Flink's MergingWindowSet). A merged window
 * keeps the state window (namespace) of one of the windows it absorbed, so merging moves the
 * contents of the others only, never re-keys all state. One instance serves every key of an
 * operator: `load()` reads the current key's windows, `persist()` writes them back if they changed
 * (the backend's get need not hand out a live object: a serialising backend sees every change).
 */
export class MergingWindowSet<W extends Window> {
  /** [window, state window, …] of the loaded key. */
  private pairs: W[] = [];
  private stored = false;
  private changed = false;
  /** Reused for the windows handed to the assigner. */
  private readonly candidates: W[] = [];
  /** The assigner merges intersecting TimeWindows into their cover (the session assigners): see addTimeWindow. */
  private readonly byIntersection: boolean;

  constructor(
    private readonly assigner: MergingWindowAssigner<unknown, W>,
    private readonly backend: KeyedStateBackend,
  ) {
    this.byIntersection = mergesIntersectingTimeWindows(assigner);
  }

  /** Reads the set of the backend's current key. */
  load(): this {
    const stored = this.backend.get(MERGING_WINDOW_SET) as W[] | undefined;
    // Restored from a checkpoint, the windows are plain data until rebuilt (in place: the backend keeps them so).
    if (stored !== undefined && stored.length > 0 && !isLiveWindow(stored[0])) {
      for (let i = 0; i < stored.length; i++) stored[i] = restoredWindow<W>(stored[i]);
    }
    this.stored = stored !== undefined;
    this.pairs = stored ?? [];
    this.changed = false;
    return this;
  }

  /** Writes the set back under the current key (the key it was loaded for) if it changed; an empty set is cleared. */
  persist(): void {
    if (!this.changed) return;
    this.changed = false;
    if (this.pairs.length > 0) {
      this.backend.put(MERGING_WINDOW_SET, this.pairs);
      this.stored = true;
    } else if (this.stored) {
      this.backend.clear(MERGING_WINDOW_SET);
      this.stored = false;
    }
  }

  getStateWindow(window: W): W | undefined {
    const i = this.indexOf(window);
    return i < 0 ? undefined : this.pairs[i + 1];
  }

  retireWindow(window: W): void {
    const i = this.indexOf(window);
    if (i < 0) throw new Error(`Assertion failed: window ${String(window)} is not in the merging window set`);
    this.removeAt(i);
  }

  /**
   * Adds `newWindow`, merging it with the windows it overlaps; returns the window it ended up in.
   * `mergeFunction` runs before the set changes its mapping of the absorbed windows' state.
   */
  addWindow(newWindow: W, mergeFunction: MergeFunction<W>): W {
    if (this.byIntersection && newWindow instanceof TimeWindow) {
      const added = this.addTimeWindow(newWindow, mergeFunction);
      if (added !== undefined) return added;
    }
    const pairs = this.pairs;
    const candidates = this.candidates;
    // Filled by index: setting an array's length costs more than the few stores (--cpu-prof, q11).
    const n = pairs.length / 2 + 1;
    if (candidates.length !== n) candidates.length = n;
    for (let i = 0; i < n - 1; i++) candidates[i] = pairs[2 * i];
    candidates[n - 1] = newWindow;
    const adding = this.adding;
    adding.newWindow = newWindow;
    adding.result = newWindow;
    adding.mergedNewWindow = false;
    adding.merges = 0;
    adding.mergeFunction = mergeFunction;
    let resultWindow: W;
    try {
      this.assigner.mergeWindows(candidates, this.onMergeGroup);
      resultWindow = adding.result!;
    } finally {
      candidates.fill(undefined as unknown as W);
      adding.newWindow = adding.result = undefined;
      adding.mergeFunction = undefined;
    }
    if (adding.merges === 0 || (sameWindow(resultWindow, newWindow) && !adding.mergedNewWindow)) this.add(resultWindow, resultWindow);
    return resultWindow;
  }

  /**
   * addWindow for an assigner that merges intersecting TimeWindows, when the new window intersects at
   * most one window of the set (a session's next element: nearly always): the result the generic
   * merge gives, without its arrays and searches. The windows of a set never intersect one another
   * (they would have merged), and the cover of two intersecting windows is their union, so no third
   * window joins. Undefined when the new window intersects several (they merge the general way).
   */
  private addTimeWindow(newWindow: W & TimeWindow, mergeFunction: MergeFunction<W>): W | undefined {
    const pairs = this.pairs;
    let hit = -1;
    for (let i = 0; i < pairs.length; i += 2) {
      if (!(pairs[i] as unknown as TimeWindow).intersects(newWindow)) continue;
      if (hit >= 0) return undefined;
      hit = i;
    }
    if (hit < 0) {
      pairs.push(newWindow, newWindow);
      this.changed = true;
      return newWindow;
    }
    const existing = pairs[hit] as W & TimeWindow;
    // Inside the existing window: the merge's result is that window, and nothing changes.
    if (existing.start <= newWindow.start && existing.end >= newWindow.end) return existing;
    const result = existing.cover(newWindow) as W & TimeWindow;
    const stateWindow = pairs[hit + 1];
    pairs[hit] = result;
    this.changed = true;
    mergeFunction(result, [existing], stateWindow, NO_WINDOWS as W[]);
    return result;
  }

  /** What addWindow is adding, for its merge callback (one callback for the set's life: no closure per element). */
  private readonly adding: { newWindow: W | undefined; result: W | undefined; mergedNewWindow: boolean; merges: number; mergeFunction: MergeFunction<W> | undefined } =
    { newWindow: undefined, result: undefined, mergedNewWindow: false, merges: 0, mergeFunction: undefined };

  private readonly onMergeGroup = (toBeMerged: readonly W[], result: W): void => {
    const adding = this.adding;
    adding.merges++;
    // By identity: a pre-existing window equal to the new one stays among the absorbed windows.
    const merged = toBeMerged.filter((w) => w !== adding.newWindow);
    if (merged.length < toBeMerged.length) {
      adding.mergedNewWindow = true;
      adding.result = result;
    }
    // The result keeps the state window of one absorbed pre-existing window.
    const stateWindowResult = this.pairs[this.indexOf(merged[0]) + 1];
    let mergedStateWindows: W[] | undefined;
    for (const w of merged) {
      const i = this.indexOf(w);
      if (i < 0) continue;
      const s = this.pairs[i + 1];
      if (!sameWindow(s, stateWindowResult)) (mergedStateWindows ??= []).push(s);
      this.removeAt(i);
    }
    this.add(result, stateWindowResult);
    // Merging one pre-existing window into itself (the new window lies inside it) changes nothing.
    const selfOnly = merged.length === 1 && sameWindow(merged[0], result);
    if (!selfOnly) adding.mergeFunction!(result, merged, stateWindowResult, mergedStateWindows ?? []);
  };

  private indexOf(window: W): number {
    const pairs = this.pairs;
    for (let i = 0; i < pairs.length; i += 2) if (sameWindow(pairs[i], window)) return i;
    return -1;
  }

  /** Sets the state window of `window` (added, or replacing its entry). */
  private add(window: W, stateWindow: W): void {
    const i = this.indexOf(window);
    if (i >= 0) this.pairs[i + 1] = stateWindow;
    else this.pairs.push(window, stateWindow);
    this.changed = true;
  }

  /** Removes the pair at `i` (order does not matter: the assigner sorts what it merges). */
  private removeAt(i: number): void {
    const pairs = this.pairs;
    const last = pairs.length - 2;
    if (i !== last) {
      pairs[i] = pairs[last];
      pairs[i + 1] = pairs[last + 1];
    }
    pairs.pop();
    pairs.pop();
    this.changed = true;
  }
}
