/**
 * How sinks that write text (print, writeAsText) render a record: strings as they are, numbers and
 * bigints through String, everything else as JSON with bigints written as strings (JSON has none).
 */
export function formatRecord(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'function':
    case 'symbol':
      return String(value);
    default: {
      const json = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      return json ?? String(value);
    }
  }
}
