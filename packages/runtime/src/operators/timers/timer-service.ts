/**
 * Timers of keyed operators (Flink's InternalTimerService). A timer belongs to a key and a namespace
 * (a window, or a constant for KeyedProcessFunction); registering the same (key, namespace, time)
 * twice keeps one timer. Event-time timers fire when the operator's watermark reaches their time,
 * processing-time timers when the injected clock does. When a timer fires, the keyed state backend's
 * current key is the timer's key. Used on the task's mailbox thread only.
 */
export interface InternalTimer<N> {
  readonly key: unknown;
  readonly namespace: N;
  readonly timestamp: number;
}

/** The namespace of timers that have none (Flink's VoidNamespace): KeyedProcessFunction and friends. */
export type VoidNamespace = null;
export const VOID_NAMESPACE: VoidNamespace = null;
/** Timer id of the void namespace (cheap: one constant). */
export const voidNamespaceId = (): string => 'v';

/**
 * A namespace's dedup id among the timers of one timestamp: equal for equal namespaces, different
 * for different ones. Strings and numbers never equal each other, so an id function may give
 * numbers where they suffice (a window's start, when the timestamp fixes its end) and strings elsewhere.
 */
export type TimerNamespaceId = string | number;

/** Turns a timer's namespace into its id (see TimerNamespaceId), given the timer's timestamp. */
export type TimerNamespaceIdOf<N> = (namespace: N, timestamp: number) => TimerNamespaceId;

/** Receives the timers of one timer service (the operator). */
export interface Triggerable<N> {
  onEventTime(timer: InternalTimer<N>): void;
  onProcessingTime(timer: InternalTimer<N>): void;
}

export interface InternalTimerService<N> {
  currentProcessingTime(): number;
  currentWatermark(): number;
  /** For the current key. */
  registerEventTimeTimer(namespace: N, time: number): void;
  /**
   * For the current key, when the caller knows no timer (key, namespace, time) is pending (it tracks
   * its timers itself): skips the dedup work. Such a timer cannot be deleted; the caller ignores it
   * when it fires and is no longer wanted.
   */
  registerUniqueEventTimeTimer(namespace: N, time: number): void;
  deleteEventTimeTimer(namespace: N, time: number): void;
  registerProcessingTimeTimer(namespace: N, time: number): void;
  deleteProcessingTimeTimer(namespace: N, time: number): void;
}

/**
 * One per operator. `advanceWatermark` fires, in timestamp order, every event-time timer of every
 * service with timestamp <= watermark; the operator emits the watermark downstream afterwards (as
 * Flink's AbstractStreamOperator#processWatermark).
 */
export interface InternalTimeServiceManager {
  /**
   * The service `name` of this operator (created on first use; later calls return the same service and
   * replace its triggerable). `namespaceId` turns a namespace into an id equal for equal namespaces
   * among the timers of one timestamp (dedup; see TimerNamespaceId); without it namespaces are compared
   * by value through a generic encoding, so a window operator on a hot path should pass a cheap one
   * (e.g. `w => w.namespace`, or the window's start where the timestamp is its end).
   * `restoredNamespace` rebuilds a namespace from the form a checkpoint kept of it (values, not
   * classes: a window comes back as a plain object); timers restored from a snapshot go through it
   * before they join the service. Namespaces that are strings, numbers or null need none.
   */
  getInternalTimerService<N>(
    name: string,
    triggerable: Triggerable<N>,
    namespaceId?: TimerNamespaceIdOf<N>,
    restoredNamespace?: (stored: unknown) => N,
  ): InternalTimerService<N>;
  advanceWatermark(watermark: number): void;
  currentWatermark(): number;
  /** Number of registered timers (metrics and tests). */
  numTimers(): number;
  dispose(): void;
}

/**
 * How the task keeps timer firing from outrunning its outputs (back-pressure). Firing stops between two
 * timers when `shouldYield()` says so; the manager then reports `onPendingWork()` and the task calls
 * `continueFiring()` once its outputs are available again. A watermark the operator emits while the
 * timers it released are still pending is held back and emitted when they have all fired, so
 * downstream never sees a watermark before the records it released.
 */
export interface TimerFiringControl {
  shouldYield(): boolean;
  onPendingWork(): void;
}

/** Timer names Flink's KeyedProcessOperator uses (kept for snapshot compatibility later). */
export const USER_TIMERS = 'user-timers';
