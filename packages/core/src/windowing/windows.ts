/**
 * Windows (Flink's Window, TimeWindow, GlobalWindow). A window's `namespace` is its canonical
 * string form: window contents, trigger state and timers are stored under it in the keyed state
 * backend, so equal windows built from different objects meet.
 */
export interface Window {
  /** The largest timestamp that still belongs to this window. */
  maxTimestamp(): number;
  readonly namespace: string;
  /** Equality by value, when cheaper than comparing namespaces. */
  equals?(other: Window): boolean;
}

/** The half-open time interval [start, end). */
export class TimeWindow implements Window {
  /** Built on first use: operators that keep no per-window state (window slicing) never need it. */
  private ns: string | undefined = undefined;
  /**
   * `end - 1`, computed on first use and kept: epoch milliseconds are no small integers, so every
   * `end - 1` a caller hands on is a new heap number, and a window operator asks twice per element (its
   * trigger's timer and the cleanup timer: 32 bytes a bid in Nexmark q12). The field starts undefined, so
   * V8 keeps it tagged and hands out the number it holds; a session's per-element window that merges
   * away never computes it. A #private field: not serialised with the window.
   */
  #max: number | undefined = undefined;

  constructor(
    readonly start: number,
    readonly end: number,
  ) {}

  get namespace(): string {
    return (this.ns ??= `${this.start}:${this.end}`);
  }

  maxTimestamp(): number {
    return (this.#max ??= this.end - 1);
  }

  intersects(other: TimeWindow): boolean {
    return this.start <= other.end && this.end >= other.start;
  }

  /** The smallest window that covers both. */
  cover(other: TimeWindow): TimeWindow {
    return new TimeWindow(Math.min(this.start, other.start), Math.max(this.end, other.end));
  }

  equals(other: Window): boolean {
    return other instanceof TimeWindow && other.start === this.start && other.end === this.end;
  }

  toString(): string {
    return `TimeWindow{start=${this.start}, end=${this.end}}`;
  }

  static fromNamespace(namespace: string): TimeWindow {
    const sep = namespace.indexOf(':', 1);
    return new TimeWindow(Number(namespace.slice(0, sep)), Number(namespace.slice(sep + 1)));
  }
}

/** The single window of GlobalWindows: everything, forever. */
export class GlobalWindow implements Window {
  static readonly INSTANCE = new GlobalWindow();
  readonly namespace = 'global';

  private constructor() {}

  maxTimestamp(): number {
    return Number.MAX_SAFE_INTEGER;
  }

  toString(): string {
    return 'GlobalWindow';
  }
}

/**
 * Start of the window of size `windowSize` that contains `timestamp` (Flink's
 * TimeWindow.getWindowStartWithOffset); correct for negative timestamps and offsets.
 */
export function getWindowStartWithOffset(timestamp: number, offset: number, windowSize: number): number {
  const remainder = (timestamp - offset) % windowSize;
  return remainder < 0 ? timestamp - (remainder + windowSize) : timestamp - remainder;
}

/** A value with its event timestamp (what evictors see). */
export interface TimestampedValue<T> {
  readonly value: T;
  readonly timestamp: number;
}
