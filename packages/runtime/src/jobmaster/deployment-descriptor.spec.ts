import { ExecutionGraph } from '../executiongraph';
import { createJobGraph } from '../graph/job-graph-generator';
import { TestingStreamGraphBuilder } from '../graph/testing-fixtures/stream-graph-builder';
import { testingJobSubmission } from '../testing/testing-job-submission';
import { ManualClock } from '../time/clock';
import { createDeploymentDescriptor } from './deployment-descriptor';

/**
 * Source (p=2) -> rebalance -> Map (p=2), each source subtask in a slot of its own TaskManager whose
 * thread has its own data server; the descriptors of the Map subtasks.
 */
function consumerDescriptors(runtimeMode: 'STREAMING' | 'BATCH') {
  const b = new TestingStreamGraphBuilder({ runtimeMode, parallelism: 2 });
  b.connect(b.source('numbers'), b.operator('Map'), 'rebalance');
  const jobGraph = createJobGraph(b.graph, { jobId: `${'0'.repeat(31)}1` });
  const graph = new ExecutionGraph(jobGraph, { clock: new ManualClock() });
  const [sources, maps] = [0, 1].map((i) => graph.getAllExecutionVertices().filter((v) => v.jobVertex.id === jobGraph.vertices[i].id));
  sources.forEach((v, i) =>
    v.currentExecution.assignSlot({ allocationId: `alloc-${i}`, taskManagerId: `tm-${i}`, slotIndex: 0, dataAddress: `10.0.0.${i}:6121`, slotDataAddress: `10.0.0.${i}:4000${i}` }),
  );
  const submission = testingJobSubmission(jobGraph);
  return maps.map((v) => createDeploymentDescriptor(graph, v, submission, 'alloc-consumer', { address: 'local://testing/jobmaster', jobMasterId: 'jm' }));
}

describe('deployment descriptors: where a consumer finds its producers', () => {
  it('names the producer slot thread\'s own data server for a PIPELINED partition, beside its TaskManager\'s', () => {
    for (const tdd of consumerDescriptors('STREAMING')) {
      expect(tdd.inputs[0].channels.map((c) => [c.producerResourceId, c.producerDataAddress, c.producerSlotDataAddress])).toEqual([
        ['tm-0', '10.0.0.0:6121', '10.0.0.0:40000'],
        ['tm-1', '10.0.0.1:6121', '10.0.0.1:40001'],
      ]);
    }
  });

  it('names only the TaskManager\'s data server for a BLOCKING partition: it serves the files once the producer finished', () => {
    for (const tdd of consumerDescriptors('BATCH')) {
      expect(tdd.inputs[0].channels.map((c) => [c.producerResourceId, c.producerDataAddress, c.producerSlotDataAddress])).toEqual([
        ['tm-0', '10.0.0.0:6121', undefined],
        ['tm-1', '10.0.0.1:6121', undefined],
      ]);
    }
  });
});
