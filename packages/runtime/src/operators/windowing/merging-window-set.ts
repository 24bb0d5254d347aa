import type { KeyedStateBackend, StateDescriptor } from '../../spi/state-backend';
import type { MergingWindowAssigner } from './assigners';
import type { Window } from './windows';

/** Flink's MergingWindowSet state name; value: [window namespace, state window namespace][]. */
export const MERGING_WINDOW_SET: StateDescriptor = { name: 'merging-window-set', kind: 'list' };

/**
 * Called when windows merge: `mergeResult` replaces `mergedWindows`; the contents of
 * `mergedStateWindows` must be merged into `stateWindowResult`.
 */
export type MergeFunction<W> = (mergeResult: W, mergedWindows: readonly W[], stateWindowResult: W, mergedStateWindows: readonly W[]) => void;

/**
 * The session windows of one key (Flink's MergingWindowSet). A merged window keeps the state
 * window (namespace) of one of the windows it absorbed, so merging moves the contents of the
 * others only, never re-keys all state. Loaded from and persisted to the keyed state backend.
 */
export class MergingWindowSet<W extends Window> {
  /** window namespace → [window, state window]. */
  private readonly mapping = new Map<string, { window: W; stateWindow: W }>();
  private changed = false;

  /** `windowOf` decodes a stored namespace (the assigner's, or a cache in front of it). */
  constructor(
    private readonly assigner: MergingWindowAssigner<unknown, W>,
    private readonly backend: KeyedStateBackend,
    windowOf: (namespace: string) => W = (ns) => assigner.windowOf(ns),
  ) {
    const stored = backend.get(MERGING_WINDOW_SET) as [string, string][] | undefined;
    if (stored) {
      for (const [w, s] of stored) this.mapping.set(w, { window: windowOf(w), stateWindow: windowOf(s) });
    }
  }

  /** Writes the set back under the current key (the key it was loaded for). */
  persist(): void {
    if (!this.changed) return;
    if (this.mapping.size === 0) this.backend.clear(MERGING_WINDOW_SET);
    else this.backend.put(MERGING_WINDOW_SET, [...this.mapping.entries()].map(([w, e]) => [w, e.stateWindow.namespace]));
    this.changed = false;
  }

  getStateWindow(window: W): W | undefined {
    return this.mapping.get(window.namespace)?.stateWindow;
  }

  retireWindow(window: W): void {
    if (!this.mapping.delete(window.namespace)) throw new Error(`Assertion failed: window ${String(window)} is not in the merging window set`);
    this.changed = true;
  }

  windows(): W[] {
    return [...this.mapping.values()].map((e) => e.window);
  }

  /**
   * Adds `newWindow`, merging it with the windows it overlaps; returns the window it ended up in.
   * `mergeFunction` runs before the set changes its mapping of the absorbed windows' state.
   */
  addWindow(newWindow: W, mergeFunction: MergeFunction<W>): W {
    const windows = [...this.windows(), newWindow];
    const mergeResults: { result: W; merged: W[] }[] = [];
    this.assigner.mergeWindows(windows, (toBeMerged, result) => mergeResults.push({ result, merged: [...toBeMerged] }));
    let resultWindow = newWindow;
    let mergedNewWindow = false;
    for (const { result, merged } of mergeResults) {
      // By identity: a pre-existing window equal to the new one stays among the absorbed windows.
      const idx = merged.indexOf(newWindow);
      if (idx >= 0) {
        merged.splice(idx, 1);
        mergedNewWindow = true;
        resultWindow = result;
      }
      // The result keeps the state window of one absorbed pre-existing window.
      const stateWindowResult = (this.mapping.get(merged[0].namespace) as { stateWindow: W }).stateWindow;
      const mergedStateWindows: W[] = [];
      for (const w of merged) {
        const entry = this.mapping.get(w.namespace);
        if (entry && this.mapping.delete(w.namespace)) mergedStateWindows.push(entry.stateWindow);
      }
      this.mapping.set(result.namespace, { window: result, stateWindow: stateWindowResult });
      this.changed = true;
      const others = mergedStateWindows.filter((s) => s.namespace !== stateWindowResult.namespace);
      // Merging one pre-existing window into itself (the new window lies inside it) changes nothing.
      const selfOnly = merged.length === 1 && merged[0].namespace === result.namespace;
      if (!selfOnly) mergeFunction(result, merged, stateWindowResult, others);
    }
    if (mergeResults.length === 0 || (resultWindow.namespace === newWindow.namespace && !mergedNewWindow)) {
      this.mapping.set(resultWindow.namespace, { window: resultWindow, stateWindow: resultWindow });
      this.changed = true;
    }
    return resultWindow;
  }
}
