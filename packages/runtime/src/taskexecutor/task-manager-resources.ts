import type { Configuration } from '@flott/core';
import { TaskManagerOptions } from '../config/options';
import type { ResourceSpec } from '../deployment/resource-spec';

const MIB = 1024 * 1024;

/**
 * What a TaskManager's slots share (taskmanager.cpu.cores, taskmanager.memory.task.heap.size) and what
 * one of its `taskmanager.numberOfTaskSlots` default slots takes of it (an equal share), as Flink's
 * TaskExecutorResourceSpec and default slot profile.
 */
export function taskManagerResourcesOf(config: Configuration): { total: ResourceSpec; defaultSlot: ResourceSpec; defaultSlots: number } {
  const slots = config.get(TaskManagerOptions.NUM_TASK_SLOTS);
  const configuredCores = config.get(TaskManagerOptions.CPU_CORES);
  const total = {
    cpuCores: configuredCores > 0 ? configuredCores : slots,
    taskHeapMemoryMB: Math.floor(config.get(TaskManagerOptions.TASK_HEAP_SIZE) / MIB),
  };
  return { total, defaultSlot: { cpuCores: total.cpuCores / slots, taskHeapMemoryMB: Math.floor(total.taskHeapMemoryMB / slots) }, defaultSlots: slots };
}
