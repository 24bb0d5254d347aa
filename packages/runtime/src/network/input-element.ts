import type { NetworkEvent } from './buffer-format';

/**
 * What an InputGate yields. A plain (not `const`) enum on purpose: const enums vanish from the
 * emitted JavaScript, which breaks consumers compiled file by file (SWC, esbuild bundles of dist/).
 */
export enum ElementKind {
  RECORD = 0,
  WATERMARK = 1,
  EVENT = 2,
}

/**
 * One decoded element. RECORD: `value` and `timestamp` (NO_TIMESTAMP when it has none). WATERMARK:
 * `timestamp` is the watermark. EVENT: `event` (barrier, latency marker, end-of-partition).
 * `channel` is the input channel it came from.
 */
export interface InputElement {
  kind: ElementKind;
  value: unknown;
  timestamp: number;
  channel: number;
  event?: NetworkEvent;
}
