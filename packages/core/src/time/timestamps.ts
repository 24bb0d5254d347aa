// Event-time markers shared by user functions, window assigners and the runtime.

/** Timestamp of a record that has none. */
export const NO_TIMESTAMP = Number.MIN_SAFE_INTEGER;
/** Watermark that ends event time (sent when an input finishes). */
export const MAX_WATERMARK = Number.MAX_SAFE_INTEGER;
