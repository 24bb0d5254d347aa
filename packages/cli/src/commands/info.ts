import { bundleJob } from '@flott/client';
import { ArtifactCache, BlobOptions, defaultBlobStorageDirectory, CoreOptions, extractStreamGraph } from '@flott/runtime';
import { createJobGraph, describeJobGraph, jobGraphToJson } from '@flott/runtime/internal';
import { resolveConfiguration, type CommonOptions } from '../distribution';
import { formatError } from '../errors-format';

/** `flott info`: runs main in plan mode and prints the JobGraph. */
export async function infoCommand(job: string, jobArgs: string[], opts: CommonOptions & { json?: boolean }): Promise<number> {
  try {
    const config = resolveConfiguration(opts);
    const artifact = await bundleJob(job);
    const cacheDir = defaultBlobStorageDirectory(config.get(BlobOptions.STORAGE_DIRECTORY));
    const file = new ArtifactCache(cacheDir).put(artifact.sha256, artifact.code);
    const { graph } = await extractStreamGraph(file, {
      mode: 'plan',
      args: jobArgs,
      defaultParallelism: config.get(CoreOptions.DEFAULT_PARALLELISM),
      configuration: config,
    });
    const jobGraph = createJobGraph(graph, { executeIndex: 0 });
    process.stdout.write(opts.json ? `${JSON.stringify(jobGraphToJson(jobGraph), null, 2)}\n` : `${describeJobGraph(jobGraph)}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`${formatError(e)}\n`);
    return 1;
  }
}
