import { ExecutionGraph } from '../executiongraph';
import { createJobGraph } from '../graph/job-graph-generator';
import type { StreamGraph } from '../graph/stream-graph';
import { createDeploymentDescriptor } from '../jobmaster/deployment-descriptor';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor';
import { ManualClock } from '../time/clock';
import { testingJobSubmission } from './testing-job-submission';

/**
 * The deployment descriptors the JobMaster would send for the first attempt of every subtask of the
 * job `streamGraph` describes, in topological order (subtask i in slot `slot-i`), so StreamTasks can
 * run in-process from the same StreamGraph, as a slot runs them after re-running the job's main.
 */
export function testingDeploymentDescriptors(streamGraph: StreamGraph, jobId = `${'0'.repeat(31)}1`): TaskDeploymentDescriptor[] {
  const jobGraph = createJobGraph(streamGraph, { jobId });
  const graph = new ExecutionGraph(jobGraph, { clock: new ManualClock() });
  const submission = testingJobSubmission(jobGraph);
  return graph
    .getAllExecutionVertices()
    .map((v) => createDeploymentDescriptor(graph, v, submission, `slot-${v.subtaskIndex}`, { address: `local://testing/jobmaster-${jobId}`, jobMasterId: 'testing-jobmaster' }));
}
