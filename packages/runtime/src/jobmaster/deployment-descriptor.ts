import type { ExecutionGraph, ExecutionVertex } from '../executiongraph';
import type { JobMasterRef, JobSubmission } from '../rpc/gateways';
import { resultPartitionKey, type TaskDeploymentDescriptor, type TaskRestore } from '../deployment/task-deployment-descriptor';

/**
 * What a TaskExecutor needs to run the current attempt of `vertex` in the slot `allocationId`
 * (Flink's TaskDeploymentDescriptorFactory): its chain, the partitions it writes (keyed by its own
 * attempt) and, per input gate, the partitions of the producers' current attempts it reads.
 */
export function createDeploymentDescriptor(
  graph: ExecutionGraph,
  vertex: ExecutionVertex,
  submission: JobSubmission,
  allocationId: string,
  jobMaster: JobMasterRef,
  restore?: TaskRestore,
  checkpointsAfterTasksFinish = false,
): TaskDeploymentDescriptor {
  const execution = vertex.currentExecution;
  const partitionKeyOf = (partitionId: string, producerVertexId: string) =>
    resultPartitionKey(partitionId, graph.getExecutionVertex(producerVertexId).currentExecution.attemptId);
  return {
    jobId: graph.jobId,
    jobName: submission.jobGraph.jobName,
    attemptId: execution.attemptId,
    attemptNumber: execution.attemptNumber,
    allocationId,
    subtaskIndex: vertex.subtaskIndex,
    vertex: vertex.jobVertex,
    executeIndex: submission.jobGraph.executeIndex,
    artifactSha256: submission.artifact.sha256,
    args: submission.args,
    jobConfiguration: submission.configuration,
    jobMasterAddress: jobMaster.address,
    jobMasterId: jobMaster.jobMasterId,
    restore,
    ...(checkpointsAfterTasksFinish ? { checkpointsAfterTasksFinish } : {}),
    inputs: graph.getInputChannels(vertex.id).map((gate) => {
      const edge = vertex.jobVertex.inputs.find((e) => e.dataSetId === gate.dataSetId)!;
      // A finished BLOCKING partition is served by its TaskManager, whatever became of the producer's slot.
      const pipelined = graph.getIntermediateResult(gate.dataSetId).resultType === 'PIPELINED';
      return {
        dataSetId: gate.dataSetId,
        streamEdgeId: edge.streamEdgeId,
        typeNumber: gate.typeNumber,
        channels: gate.channels.map((c) => {
          const producerSlot = graph.getExecutionVertex(c.producerVertexId).currentExecution.assignedSlot;
          return {
            partitionKey: partitionKeyOf(c.partitionId, c.producerVertexId),
            subpartitionIndex: c.subpartitionIndex,
            producerResourceId: producerSlot?.taskManagerId ?? '',
            ...(producerSlot?.dataAddress ? { producerDataAddress: producerSlot.dataAddress } : {}),
            ...(pipelined && producerSlot?.slotDataAddress ? { producerSlotDataAddress: producerSlot.slotDataAddress } : {}),
          };
        }),
      };
    }),
    outputs: graph.getProducedPartitions(vertex.id).map((p) => {
      const result = graph.getIntermediateResult(p.dataSetId);
      const consumer = graph.getJobVertex(result.consumerJobVertexId);
      return {
        dataSetId: p.dataSetId,
        partitionKey: resultPartitionKey(p.id, execution.attemptId),
        streamEdgeId: result.descriptor.streamEdgeId,
        partitioner: result.consumerEdge.partitioner,
        numSubpartitions: p.numberOfSubpartitions,
        consumerMaxParallelism: consumer.maxParallelism,
        resultPartitionType: result.resultType,
      };
    }),
  };
}
