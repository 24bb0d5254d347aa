import { Command, CommanderError, Option } from 'commander';

// Each command's module loads when the command runs: a TaskManager process loads neither the REST
// server nor the job bundler (esbuild), which is start-up time and memory of every process.
const collect = (value: string, previous: string[] = []) => [...previous, value];

function commonOptions(cmd: Command): Command {
  return cmd
    .option('-p, --parallelism <n>', 'default parallelism of the job (parallelism.default)')
    .option('-D <key=value>', 'set a configuration option (repeatable)', collect)
    .addOption(new Option('--config <dir>', 'directory with config.yaml (or set FLOTT_CONF_DIR)'));
}

/** Options of every verb that talks to a running cluster. */
function clusterOptions(cmd: Command): Command {
  return cmd
    .option('-m, --jobmanager <host:port>', "the cluster's REST endpoint (default: rest.address and rest.port, localhost:8081)")
    .option('-D <key=value>', 'set a configuration option (repeatable)', collect)
    .addOption(new Option('--config <dir>', 'directory with config.yaml (or set FLOTT_CONF_DIR)'));
}

/** Options of the cluster processes (jobmanager, taskmanager, cluster). */
function processOptions(cmd: Command): Command {
  return cmd
    .option('-D <key=value>', 'set a configuration option (repeatable)', collect)
    .addOption(new Option('--config <dir>', 'directory with config.yaml (or set FLOTT_CONF_DIR)'));
}

/** `flott jobmanager ... --application job.ts a b`: the command line up to the job file, and the job's arguments. */
function splitApplicationArgs(argv: readonly string[]): { argv: readonly string[]; jobArgs: readonly string[] } {
  const at = argv[0] === 'jobmanager' ? argv.indexOf('--application') : -1;
  if (at < 0 || at + 2 > argv.length) return { argv, jobArgs: [] };
  return { argv: argv.slice(0, at + 2), jobArgs: argv.slice(at + 2) };
}

/** The `flott` command line. Returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  // Stack traces of job code point at the user's source files (the bundle carries a source map).
  // Source maps are turned on only where job code is loaded (runJobMain) or once a cluster process is
  // up (runClusterProcess): with them on, every one of the ~700 modules loaded first has its source
  // map read and parsed (~200 ms of `flott run`'s start, measured with --cpu-prof).
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
      .description(
        'Run a job on the embedded local cluster (MiniCluster), or with -m host:port (-t remote) on a running cluster. ' +
          'Options go before the job file; what follows it is passed to the job.',
      )
      .argument('<job>', 'job file (.ts or .js) whose main builds a pipeline and calls env.execute()')
      .argument('[jobArgs...]', 'arguments for the job')
      .passThroughOptions()
      .option('-s, --fromSavepoint <path>', 'start from a savepoint or retained checkpoint (its directory or _metadata file; execution.state-recovery.path)')
      .option('-n, --allowNonRestoredState', 'skip state of the savepoint that no operator of the job claims (execution.state-recovery.ignore-unclaimed-state)')
      .option('-q, --quiet', 'do not print job status lines to stderr')
      .option('-m, --jobmanager <host:port>', "submit to the running cluster with this REST endpoint (execution.target: remote)")
      .option('-t, --target <target>', 'local (embedded MiniCluster, the default) or remote (rest.address:rest.port); execution.target')
      .option('-d, --detached', 'with a remote cluster: return once the job is submitted instead of waiting for its result')
      .option('--detach-on-interrupt', 'with a remote cluster: Ctrl-C leaves the job running (and exits 0) instead of cancelling it')
      .option('--network-stats <file>', 'write peak network buffer usage per result partition to a JSON file'),
  ).action(async (job: string, jobArgs: string[], opts) => {
    (await import('./prestart')).prestartLocalClusterThreads(opts);
    exitCode = await (await import('./commands/run')).runCommand(job, jobArgs, opts);
  });

  commonOptions(
    program
      .command('run-application')
      .description(
        'Deploy an application cluster for the job on this host (-t local-application): a JobManager process runs its main, ' +
          'TaskManager processes are started for its slots, and all of them stop when the job ends. Options go before the job file.',
      )
      .argument('<job>', 'job file (.ts or .js) whose main builds a pipeline and calls env.execute()')
      .argument('[jobArgs...]', 'arguments for the job')
      .passThroughOptions()
      .option('-t, --target <target>', 'where the application cluster runs: local-application (the default)')
      .option('-d, --detached', 'return once the job is submitted (prints its id and the REST address) instead of waiting for its result')
      .option('-q, --quiet', 'do not print status lines to stderr')
      .option('-s, --fromSavepoint <path>', 'start from a savepoint or retained checkpoint (execution.state-recovery.path)')
      .option('-n, --allowNonRestoredState', 'skip state of the savepoint that no operator of the job claims'),
  ).action(async (job: string, jobArgs: string[], opts) => {
    exitCode = await (await import('./commands/run-application')).runApplicationCommand(job, jobArgs, opts);
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
    exitCode = await (await import('./commands/info')).infoCommand(job, jobArgs, opts);
  });

  clusterOptions(program.command('list').description("List a cluster's jobs: running and scheduled ones by default"))
    .option('-r, --running', 'only running and restarting jobs')
    .option('-s, --scheduled', 'only scheduled jobs')
    .option('-a, --all', 'all jobs, terminated ones too')
    .action(async (opts) => {
      exitCode = await (await import('./commands/jobs')).listCommand(opts);
    });

  clusterOptions(program.command('cancel').description('Cancel a running job').argument('<jobId>')).action(async (jobId: string, opts) => {
    exitCode = await (await import('./commands/jobs')).cancelCommand(jobId, opts);
  });

  clusterOptions(program.command('stop').description('Stop a job with a savepoint (its sources stop, the job ends FINISHED)').argument('<jobId>'))
    .option('-p, --savepointPath <dir>', 'where the savepoint goes (default: execution.checkpointing.savepoint-dir)')
    .option('-d, --drain', 'end event time (MAX_WATERMARK) and flush every operator before the savepoint')
    .action(async (jobId: string, opts) => {
      exitCode = await (await import('./commands/jobs')).stopCommand(jobId, opts);
    });

  clusterOptions(program.command('savepoint').description('Take a savepoint of a running job, or dispose of one (--dispose <path>)').argument('[jobId]').argument('[targetDirectory]'))
    .option('-d, --dispose <path>', 'delete the savepoint at this path (its directory or _metadata file)')
    .action(async (jobId: string | undefined, directory: string | undefined, opts) => {
      if (opts.dispose !== undefined) exitCode = await (await import('./commands/jobs')).disposeSavepointCommand(opts.dispose, opts);
      else if (jobId === undefined) {
        process.stderr.write('Error: flott savepoint needs a job id (or --dispose <path>)\n');
        exitCode = 1;
      } else exitCode = await (await import('./commands/jobs')).savepointCommand(jobId, directory, opts);
    });

  clusterOptions(program.command('checkpoint').description('Take a checkpoint of a running job now').argument('<jobId>'))
    .option('--full', 'a full checkpoint, not an incremental one')
    .action(async (jobId: string, opts) => {
      exitCode = await (await import('./commands/jobs')).checkpointCommand(jobId, opts);
    });

  // What follows `--application <job>` is the job's (as after the job file of flott run): split off here.
  const applicationArgs = splitApplicationArgs(argv);
  processOptions(program.command('jobmanager').description('Run a JobManager in the foreground: Dispatcher, ResourceManager and JobMasters behind RPC, the blob server and the REST API'))
    .option('--ready-file <file>', 'write the addresses as JSON to this file once the JobManager is ready')
    .option(
      '--application <job>',
      "application mode: run this job's main here; the cluster shuts down when its job ends (execution.shutdown-on-application-finish). " +
        'Goes last: what follows it is passed to the job',
    )
    .option('--result-file <file>', "application mode: write how the application ended (job id, final state, error) as JSON to this file before the cluster shuts down")
    .action(async (opts) => {
      exitCode = await (await import('./commands/jobmanager')).jobManagerCommand({ ...opts, applicationArgs: applicationArgs.jobArgs });
    });

  processOptions(program.command('taskmanager').description('Run a TaskManager in the foreground: its slots register with the JobManager at jobmanager.rpc.address:jobmanager.rpc.port'))
    .option('--ready-file <file>', 'write its addresses as JSON to this file once it registered')
    .action(async (opts) => {
      exitCode = await (await import('./commands/taskmanager')).taskManagerCommand(opts);
    });

  const cluster = program.command('cluster').description('A local session cluster: a JobManager and TaskManagers as background processes');
  processOptions(cluster.command('start').description('Start a JobManager and --taskmanagers TaskManagers in the background (pid and log files in env.pid.dir and env.log.dir)'))
    .option('-n, --taskmanagers <n>', 'TaskManagers to start (cluster.taskmanagers, default 1)')
    .action(async (opts) => {
      exitCode = await (await import('./commands/cluster')).clusterStartCommand(opts);
    });
  processOptions(cluster.command('stop').description('Stop the cluster started by flott cluster start: the JobManager (running jobs per jobmanager.shutdown.running-jobs), then the TaskManagers'))
    .action(async (opts) => {
      exitCode = await (await import('./commands/cluster')).clusterStopCommand(opts);
    });

  try {
    await program.parseAsync([...applicationArgs.argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    throw e;
  }
  return exitCode;
}
