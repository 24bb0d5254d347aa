import type { TimerService } from '@flott/core';
import {
  USER_TIMERS,
  VOID_NAMESPACE,
  voidNamespaceId,
  type InternalTimeServiceManager,
  type Triggerable,
  type VoidNamespace,
} from './timer-service';

/**
 * The TimerService a keyed user function sees (KeyedProcessFunction, KeyedCoProcessFunction,
 * KeyedBroadcastProcessFunction): the operator's 'user-timers' service, timers without a namespace. `currentWatermark` is the operator's (two-input operators
 * combine both inputs').
 */
export function userTimers(
  manager: InternalTimeServiceManager,
  operator: Triggerable<VoidNamespace>,
  currentWatermark: () => number,
): TimerService {
  const internal = manager.getInternalTimerService<VoidNamespace>(USER_TIMERS, operator, voidNamespaceId);
  return {
    currentProcessingTime: () => internal.currentProcessingTime(),
    currentWatermark,
    registerEventTimeTimer: (time) => internal.registerEventTimeTimer(VOID_NAMESPACE, time),
    registerProcessingTimeTimer: (time) => internal.registerProcessingTimeTimer(VOID_NAMESPACE, time),
    deleteEventTimeTimer: (time) => internal.deleteEventTimeTimer(VOID_NAMESPACE, time),
    deleteProcessingTimeTimer: (time) => internal.deleteProcessingTimeTimer(VOID_NAMESPACE, time),
  };
}
