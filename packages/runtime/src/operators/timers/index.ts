// Timers of keyed operators (Flink's InternalTimeServiceManager and InternalTimerService).
export { USER_TIMERS } from './timer-service';
export type { InternalTimer, Triggerable, InternalTimerService, InternalTimeServiceManager, TimerFiringControl } from './timer-service';
export { HeapInternalTimeServiceManager } from './heap-internal-time-service-manager';
export type { HeapInternalTimeServiceManagerOptions } from './heap-internal-time-service-manager';
export { HeapInternalTimerService } from './heap-internal-timer-service';
export type { TimerServiceHost } from './heap-internal-timer-service';
export { TimerQueue } from './timer-queue';
export type { KeyGroupTimer, TimerEntry } from './timer-queue';
export { valueId, UnsupportedTimerKeyError } from './timer-ids';
export { TimersNotSupportedError, nonKeyedTimerService } from './timer-errors';
