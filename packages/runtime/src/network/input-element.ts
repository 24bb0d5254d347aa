import { NO_TIMESTAMP } from '@flott/core';
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

/**
 * A new element of `channel`. Its timestamp field is made tagged: it first holds a non-number, so V8
 * keeps a number stored there as the heap object it is. A field that only ever held numbers holds
 * them unboxed, and every read that hands the timestamp on (to the operator's collect) would box it
 * into a new heap number: NO_TIMESTAMP is no small integer. Elements are reused, so this is per
 * element, not per record.
 */
export function newInputElement(channel: number): InputElement {
  const element: InputElement = { kind: ElementKind.RECORD, value: undefined, timestamp: undefined as unknown as number, channel, event: undefined };
  element.timestamp = NO_TIMESTAMP;
  return element;
}
