import type { JobVertexDescriptor } from '../deployment/job-graph';
import type { ExecutionVertex } from './execution-vertex';
import type { IntermediateResult } from './intermediate-result';

/** All subtasks of one JobVertex (Flink's ExecutionJobVertex). */
export class ExecutionJobVertex {
  constructor(
    readonly jobVertex: JobVertexDescriptor,
    /** Indexed by subtask. */
    readonly taskVertices: readonly ExecutionVertex[],
    /** In the order of `jobVertex.producedDataSets`. */
    readonly producedResults: readonly IntermediateResult[],
    /** One per input gate, in the order of `jobVertex.inputs`. */
    readonly inputs: readonly IntermediateResult[],
  ) {}

  get id(): string {
    return this.jobVertex.id;
  }

  get name(): string {
    return this.jobVertex.name;
  }

  get parallelism(): number {
    return this.jobVertex.parallelism;
  }

  get maxParallelism(): number {
    return this.jobVertex.maxParallelism;
  }
}
