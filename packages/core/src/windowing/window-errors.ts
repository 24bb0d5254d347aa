import { FlottError } from '../errors';

/** A window assigner, trigger or evictor built with parameters Flink rejects (fails job building). */
export class InvalidWindowParameterError extends FlottError {
  constructor(what: string, message: string) {
    super('INVALID_WINDOW_PARAMETER', `${what}: ${message}`, { what });
  }
}

/** An event-time window got a record without a timestamp (fails the task, as Flink does). */
export class MissingTimestampError extends FlottError {
  constructor(assigner: string) {
    super(
      'MISSING_RECORD_TIMESTAMP',
      `${assigner}: record has no timestamp (Long.MIN_VALUE marker). Is the window meant to be a processing-time window, ` +
        "or did you forget to call 'DataStream.assignTimestampsAndWatermarks(...)'?",
      { assigner },
    );
  }
}
