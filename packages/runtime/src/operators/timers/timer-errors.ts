import { FlottError, type TimerService } from '@flott/core';

/** A timer was set or deleted on a non-keyed stream (Flink throws UnsupportedOperationException). */
export class TimersNotSupportedError extends FlottError {
  constructor(action: 'Setting' | 'Deleting') {
    super('TIMERS_NOT_SUPPORTED', `${action} timers is only supported on a keyed streams.`, { action });
  }
}

/** The TimerService of non-keyed process functions: time can be read, timers cannot be used. */
export function nonKeyedTimerService(currentProcessingTime: () => number, currentWatermark: () => number): TimerService {
  return {
    currentProcessingTime,
    currentWatermark,
    registerEventTimeTimer: () => {
      throw new TimersNotSupportedError('Setting');
    },
    registerProcessingTimeTimer: () => {
      throw new TimersNotSupportedError('Setting');
    },
    deleteEventTimeTimer: () => {
      throw new TimersNotSupportedError('Deleting');
    },
    deleteProcessingTimeTimer: () => {
      throw new TimersNotSupportedError('Deleting');
    },
  };
}
