import { JobBuildError } from '@flott/core';
import { createJobGraph, setExecutionContext } from '@flott/runtime/internal';
import { SlotSharingGroup } from './slot-sharing-group';
import { StreamExecutionEnvironment } from './stream-execution-environment';

afterEach(() => setExecutionContext(undefined));

describe('SlotSharingGroup (fine-grained resources)', () => {
  const heavy = SlotSharingGroup.newBuilder('heavy').setCpuCores(1.5).setTaskHeapMemoryMB(300).build();

  it('builds a group with resources, or a plain name, with Flink\'s builder', () => {
    expect([heavy.getName(), heavy.getCpuCores(), heavy.getTaskHeapMemoryMB()]).toEqual(['heavy', 1.5, 300]);
    const plain = SlotSharingGroup.newBuilder('plain').build();
    expect([plain.getName(), plain.getCpuCores(), plain.getTaskHeapMemoryMB()]).toEqual(['plain', undefined, undefined]);
  });

  it('refuses half a declaration, non-positive resources and an empty name', () => {
    expect(() => SlotSharingGroup.newBuilder('g').setCpuCores(1).build()).toThrow('the CPU cores and the task heap memory are required together');
    expect(() => SlotSharingGroup.newBuilder('g').setCpuCores(0).setTaskHeapMemoryMB(10).build()).toThrow(JobBuildError);
    expect(() => SlotSharingGroup.newBuilder('g').setCpuCores(1).setTaskHeapMemoryMB(10.5).build()).toThrow('positive whole number of MB');
    expect(() => SlotSharingGroup.newBuilder('')).toThrow(JobBuildError);
  });

  it('puts operators into the group and the group\'s resources into the job graph, for the groups the job uses', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.registerSlotSharingGroup(SlotSharingGroup.newBuilder('unused').setCpuCores(1).setTaskHeapMemoryMB(64).build());
    env.registerSlotSharingGroup(SlotSharingGroup.newBuilder('sink').setCpuCores(0.25).setTaskHeapMemoryMB(64).build());
    env.fromSequence(1, 10).map((x) => x * 2).slotSharingGroup(heavy).print().slotSharingGroup('sink');
    const graph = env.getStreamGraph();
    expect([...graph.nodes.values()].map((n) => n.slotSharingGroup)).toEqual([undefined, 'heavy', 'sink']);
    const jobGraph = createJobGraph(graph, { jobId: 'j' });
    expect(jobGraph.slotSharingGroupResources).toEqual({ heavy: { cpuCores: 1.5, taskHeapMemoryMB: 300 }, sink: { cpuCores: 0.25, taskHeapMemoryMB: 64 } });
  });

  it('refuses one group declared with two different resources', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.registerSlotSharingGroup(heavy);
    expect(() => env.fromSequence(1, 2).slotSharingGroup(SlotSharingGroup.newBuilder('heavy').setCpuCores(2).setTaskHeapMemoryMB(300).build())).toThrow(
      "Slot sharing group 'heavy' is declared with 2 CPU core(s), 300 MB task heap after 1.5 CPU core(s), 300 MB task heap",
    );
  });
});
