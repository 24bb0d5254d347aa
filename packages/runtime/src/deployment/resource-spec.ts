import { FlottError } from '@flott/core';

/**
 * The resources of a slot, a slot request or a TaskManager (Flink's ResourceProfile, reduced to what a
 * slot thread has: CPU cores and task heap). Plain data, so it crosses RPC as it is.
 */
export interface ResourceSpec {
  readonly cpuCores: number;
  /** The slot thread's V8 old-generation limit, in MiB. */
  readonly taskHeapMemoryMB: number;
}

/** Most dynamic slots one TaskManager may have at once (each is a slot thread). */
export const MAX_DYNAMIC_SLOTS_PER_TASK_MANAGER = 256;

/** Arithmetic of ResourceSpecs (with a tolerance for CPU fractions that do not add up exactly in binary). */
export const ResourceSpecs = {
  ZERO: { cpuCores: 0, taskHeapMemoryMB: 0 } as ResourceSpec,

  add(a: ResourceSpec, b: ResourceSpec): ResourceSpec {
    return { cpuCores: a.cpuCores + b.cpuCores, taskHeapMemoryMB: a.taskHeapMemoryMB + b.taskHeapMemoryMB };
  },

  subtract(a: ResourceSpec, b: ResourceSpec): ResourceSpec {
    return { cpuCores: a.cpuCores - b.cpuCores, taskHeapMemoryMB: a.taskHeapMemoryMB - b.taskHeapMemoryMB };
  },

  /** Whether `need` fits into `available`. */
  fits(need: ResourceSpec, available: ResourceSpec): boolean {
    return need.cpuCores <= available.cpuCores + 1e-9 && need.taskHeapMemoryMB <= available.taskHeapMemoryMB;
  },

  equals(a: ResourceSpec | undefined, b: ResourceSpec | undefined): boolean {
    if (a === undefined || b === undefined) return a === b;
    return Math.abs(a.cpuCores - b.cpuCores) < 1e-9 && a.taskHeapMemoryMB === b.taskHeapMemoryMB;
  },

  /** "1.5 CPU cores, 512 MB task heap", as error messages and logs show it. */
  describe(spec: ResourceSpec): string {
    return `${Number(spec.cpuCores.toFixed(3))} CPU core(s), ${spec.taskHeapMemoryMB} MB task heap`;
  },

  /** A requested profile must ask for some of each (Flink's SlotSharingGroup builder requires both). */
  validate(spec: ResourceSpec, what: string): ResourceSpec {
    const ok = (v: number) => Number.isFinite(v) && v > 0;
    if (!ok(spec.cpuCores) || !ok(spec.taskHeapMemoryMB) || !Number.isInteger(spec.taskHeapMemoryMB)) {
      throw new InvalidResourceSpecError(`${what} needs a positive number of CPU cores and a positive whole number of MB of task heap, got ${JSON.stringify(spec)}`);
    }
    return { cpuCores: spec.cpuCores, taskHeapMemoryMB: spec.taskHeapMemoryMB };
  },
};

export class InvalidResourceSpecError extends FlottError {
  constructor(message: string) {
    super('INVALID_RESOURCE_SPEC', message);
  }
}
