import { Command, CommanderError, Option } from 'commander';
import { infoCommand } from './commands/info';
import { runCommand } from './commands/run';

const collect = (value: string, previous: string[] = []) => [...previous, value];

function commonOptions(cmd: Command): Command {
  return cmd
    .option('-p, --parallelism <n>', 'default parallelism of the job (parallelism.default)')
    .option('-D <key=value>', 'set a configuration option (repeatable)', collect)
    .addOption(new Option('--config <dir>', 'directory with config.yaml (or set FLOTT_CONF_DIR)'));
}

/** The `flott` command line. Returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  // Stack traces of job code point at the user's source files (the bundle carries a source map).
  process.setSourceMapsEnabled(true);
  let exitCode = 0;
  const program = new Command('flott')
    .description('Flott: Apache Flink-style stream processing on Node.js')
    .version(require('../package.json').version as string)
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  commonOptions(
    program
      .command('run')
      .description('Run a job on the embedded local cluster (MiniCluster). Options go before the job file; what follows it is passed to the job.')
      .argument('<job>', 'job file (.ts or .js) whose main builds a pipeline and calls env.execute()')
      .argument('[jobArgs...]', 'arguments for the job')
      .passThroughOptions()
      .option('-s, --fromSavepoint <path>', 'start from a savepoint or retained checkpoint (its directory or _metadata file; execution.state-recovery.path)')
      .option('-n, --allowNonRestoredState', 'skip state of the savepoint that no operator of the job claims (execution.state-recovery.ignore-unclaimed-state)')
      .option('-q, --quiet', 'do not print job status lines to stderr')
      .option('--network-stats <file>', 'write peak network buffer usage per result partition to a JSON file'),
  ).action(async (job: string, jobArgs: string[], opts) => {
    exitCode = await runCommand(job, jobArgs, opts);
  });

  commonOptions(
    program
      .command('info')
      .description("Print a job's plan (the JobGraph: chained vertices, parallelism, edges) without running it")
      .argument('<job>', 'job file (.ts or .js)')
      .argument('[jobArgs...]', 'arguments for the job')
      .passThroughOptions()
      .option('--json', 'print the JobGraph as JSON'),
  ).action(async (job: string, jobArgs: string[], opts) => {
    exitCode = await infoCommand(job, jobArgs, opts);
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    throw e;
  }
  return exitCode;
}
