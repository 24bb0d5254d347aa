import { JobBuildError } from '@flott/core';
import { ResourceSpecs, type ResourceSpec } from '@flott/runtime/internal';

/**
 * A named slot sharing group, optionally with the resources one of its slots needs (Flink's
 * SlotSharingGroup, fine-grained resource management): the tasks of one group share a slot of that
 * size per parallel instance, carved by the TaskManager from its total resources
 * (`taskmanager.cpu.cores`, `taskmanager.memory.task.heap.size`). A group without resources takes a
 * default slot (the TaskManager's resources divided by `taskmanager.numberOfTaskSlots`).
 *
 *   const heavy = SlotSharingGroup.newBuilder('heavy').setCpuCores(2).setTaskHeapMemoryMB(512).build();
 *   stream.map(enrich).slotSharingGroup(heavy);
 */
export class SlotSharingGroup {
  private constructor(
    private readonly name: string,
    private readonly resources: ResourceSpec | undefined,
  ) {}

  static newBuilder(name: string): SlotSharingGroupBuilder {
    return new SlotSharingGroupBuilder(name);
  }

  getName(): string {
    return this.name;
  }

  getCpuCores(): number | undefined {
    return this.resources?.cpuCores;
  }

  getTaskHeapMemoryMB(): number | undefined {
    return this.resources?.taskHeapMemoryMB;
  }

  /** @internal the resources as the runtime takes them. */
  get resourceSpec(): ResourceSpec | undefined {
    return this.resources;
  }

  /** @internal used by the builder only. */
  static create(name: string, resources: ResourceSpec | undefined): SlotSharingGroup {
    return new SlotSharingGroup(name, resources);
  }
}

export class SlotSharingGroupBuilder {
  private cpuCores: number | undefined;
  private taskHeapMemoryMB: number | undefined;

  constructor(private readonly name: string) {
    if (name.length === 0) throw new JobBuildError('A slot sharing group needs a name');
  }

  setCpuCores(cpuCores: number): this {
    this.cpuCores = cpuCores;
    return this;
  }

  setTaskHeapMemoryMB(megabytes: number): this {
    this.taskHeapMemoryMB = megabytes;
    return this;
  }

  /** As in Flink, CPU cores and task heap go together: a group declares both or neither. */
  build(): SlotSharingGroup {
    if (this.cpuCores === undefined && this.taskHeapMemoryMB === undefined) return SlotSharingGroup.create(this.name, undefined);
    if (this.cpuCores === undefined || this.taskHeapMemoryMB === undefined) {
      throw new JobBuildError(`Slot sharing group '${this.name}': the CPU cores and the task heap memory are required together when it declares resources`);
    }
    try {
      return SlotSharingGroup.create(this.name, ResourceSpecs.validate({ cpuCores: this.cpuCores, taskHeapMemoryMB: this.taskHeapMemoryMB }, `Slot sharing group '${this.name}'`));
    } catch (e) {
      throw new JobBuildError((e as Error).message);
    }
  }
}
