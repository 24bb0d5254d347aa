/** What a bucket assigner sees of a record (Flink's BucketAssigner.Context). */
export interface BucketAssignerContext {
  currentProcessingTime(): number;
  currentWatermark(): number;
  /** The record's timestamp, undefined when it has none. */
  timestamp(): number | undefined;
}

/**
 * Which bucket (sub-directory of the base path) a record goes to (Flink's BucketAssigner). The id is a
 * relative path; "" is the base path itself.
 */
export interface BucketAssigner<IN> {
  getBucketId(element: IN, context: BucketAssignerContext): string;
}

/** Flink's BasePathBucketAssigner: every record in the base path. */
export class BasePathBucketAssigner<IN> implements BucketAssigner<IN> {
  getBucketId(): string {
    return '';
  }
}

/**
 * Flink's DateTimeBucketAssigner: buckets named after the processing time of the write, formatted with
 * `formatString` (default `yyyy-MM-dd--HH`, one bucket per hour). Supported pattern letters: yyyy, MM,
 * dd, HH, mm, ss; anything else is literal. `zone` is 'UTC' or 'local' (the process's time zone, as
 * Flink's default ZoneId.systemDefault()).
 */
export class DateTimeBucketAssigner<IN> implements BucketAssigner<IN> {
  constructor(
    readonly formatString = 'yyyy-MM-dd--HH',
    readonly zone: 'UTC' | 'local' = 'local',
  ) {}

  getBucketId(_element: IN, context: BucketAssignerContext): string {
    return formatDateTime(context.currentProcessingTime(), this.formatString, this.zone);
  }
}

export function formatDateTime(epochMillis: number, pattern: string, zone: 'UTC' | 'local'): string {
  const d = new Date(epochMillis);
  const utc = zone === 'UTC';
  const fields: Record<string, number> = {
    yyyy: utc ? d.getUTCFullYear() : d.getFullYear(),
    MM: (utc ? d.getUTCMonth() : d.getMonth()) + 1,
    dd: utc ? d.getUTCDate() : d.getDate(),
    HH: utc ? d.getUTCHours() : d.getHours(),
    mm: utc ? d.getUTCMinutes() : d.getMinutes(),
    ss: utc ? d.getUTCSeconds() : d.getSeconds(),
  };
  return pattern.replace(/yyyy|MM|dd|HH|mm|ss/g, (token) => String(fields[token]).padStart(token.length, '0'));
}
