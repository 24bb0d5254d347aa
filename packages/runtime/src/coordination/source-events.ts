// The operator events between a SourceReader's operator and its SourceCoordinator (Flink's
// ReaderRegistrationEvent, RequestSplitEvent, AddSplitEvent, NoMoreSplitsEvent, SourceEventWrapper).
// Plain data: they cross the gateways and the slot protocol as they are.

/** Reader → coordinator. */
export type ReaderToCoordinatorEvent =
  | { readonly kind: 'source-reader-registration'; readonly subtask: number }
  | { readonly kind: 'source-request-split'; readonly subtask: number }
  | { readonly kind: 'source-event'; readonly subtask: number; readonly event: unknown };

/** Coordinator → reader; splits in their checkpoint form (see SplitCodec). */
export type CoordinatorToReaderEvent =
  | { readonly kind: 'source-add-splits'; readonly splits: readonly unknown[] }
  | { readonly kind: 'source-no-more-splits' }
  | { readonly kind: 'source-event'; readonly event: unknown };

const READER_KINDS = new Set(['source-reader-registration', 'source-request-split', 'source-event']);

export function isReaderToCoordinatorEvent(e: unknown): e is ReaderToCoordinatorEvent {
  const k = (e as { kind?: unknown } | null)?.kind;
  return typeof k === 'string' && READER_KINDS.has(k) && typeof (e as { subtask?: unknown }).subtask === 'number';
}

export function isCoordinatorToReaderEvent(e: unknown): e is CoordinatorToReaderEvent {
  const k = (e as { kind?: unknown } | null)?.kind;
  return k === 'source-add-splits' ? Array.isArray((e as { splits?: unknown }).splits) : k === 'source-no-more-splits' || k === 'source-event';
}
