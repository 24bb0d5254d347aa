import type { JobGraph, JobVertexDescriptor } from '../deployment/job-graph';

/** Human-readable plan of a JobGraph (what `flott info` prints), one block per vertex in topological order. */
export function describeJobGraph(jobGraph: JobGraph): string {
  const byId = new Map<string, JobVertexDescriptor>(jobGraph.vertices.map((v) => [v.id, v]));
  const lines: string[] = [
    `Job '${jobGraph.jobName}' (${jobGraph.jobId}), ${jobGraph.jobType}, ${jobGraph.vertices.length} vertices, ` +
      `max parallelism ${jobGraph.maxParallelism}`,
  ];
  jobGraph.vertices.forEach((v, i) => {
    lines.push('');
    lines.push(`Vertex ${i + 1}: ${v.name}${v.isInputVertex ? ' [input]' : ''}`);
    lines.push(`  id: ${v.id}`);
    lines.push(
      `  parallelism: ${v.parallelism}, max parallelism: ${v.maxParallelism}, slot sharing group: ${v.slotSharingGroup}` +
        `${v.coLocationGroup !== undefined ? `, co-location group: ${v.coLocationGroup}` : ''}, buffer timeout: ${v.bufferTimeoutMs} ms`,
    );
    lines.push('  operators:');
    for (const op of v.operators) {
      lines.push(`    - ${op.name} (${op.kind}) operator id ${op.operatorId}${op.uid !== undefined ? `, uid '${op.uid}'` : ''}`);
    }
    if (v.inputs.length > 0) {
      lines.push('  inputs:');
      for (const e of v.inputs) {
        const from = byId.get(e.sourceVertexId)?.name ?? e.sourceVertexId;
        const input = e.typeNumber > 0 ? ` (input ${e.typeNumber})` : '';
        const side = e.sideOutputTag !== undefined ? ` side output '${e.sideOutputTag}'` : '';
        lines.push(`    - from '${from}'${side}: ${e.partitioner}, ${e.distributionPattern}, ${e.resultPartitionType}${input}`);
      }
    }
  });
  return lines.join('\n');
}

/**
 * The JobGraph as a plain JSON value (for `flott info --json` and REST). A JobGraph holds no closures,
 * so this is a deep copy without `undefined` fields; `JSON.parse(JSON.stringify(x))` gives it back equal.
 */
export function jobGraphToJson(jobGraph: JobGraph): JobGraph {
  return JSON.parse(JSON.stringify(jobGraph)) as JobGraph;
}
