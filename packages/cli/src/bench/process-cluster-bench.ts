/**
 * The standalone cluster's data plane as real processes (FLOTT_BENCH_ONLY=process-cluster): the
 * keyBy shuffle job of tcp-shuffle-bench.ts and Nexmark q5, at parallelism 2, on `flott cluster start`
 * clusters of a `flott jobmanager` process and either two `flott taskmanager` processes of one slot
 * (every record that changes subtask crosses a loopback TCP connection between the processes) or one
 * of two slots (MessagePort between its slot threads), submitted through the REST API, in one run.
 * Rates are records / the job's net runtime as the JobManager measures it (RUNNING → FINISHED, so
 * deployment counts; the client's bundling, upload and result polling do not). The ceiling is a
 * plain TCP socket between two processes pushing the bytes the shuffle moves between the processes.
 */
import { fork } from 'node:child_process';
import { Configuration } from '@flott/core';
import { RestClusterClient } from '@flott/client';
import { SystemScheduler, TaskManagerOptions } from '@flott/runtime';
import { msgpackSerializer } from '@flott/runtime/internal';
import { LocalCluster } from '../e2e/local-cluster';
import { fmtRate, median, runBenchJobOn, type BenchJobOptions } from './run-job';
import { baselineWindowCount, eventAt } from './window-functions';

const EVENTS = Number(process.env.FLOTT_BENCH_PROCESS_EVENTS ?? 4_000_000);
const Q5_EVENTS = Number(process.env.FLOTT_BENCH_PROCESS_Q5_EVENTS ?? 3_000_000);
const SIZE_MS = 10_000;
/** A timestamped record's entry header in a network buffer (runtime network/buffer-format.ts: tag, f64 timestamp, u32 length). */
const RECORD_TS_HEADER = 13;
/** The network buffer size the engine ships records in (taskmanager.memory.segment-size's default). */
const SEGMENT_BYTES = 32 * 1024;

export interface ProcessClusterFigures {
  readonly events: number;
  /** Shuffle job, records/s: 2 TaskManager processes × 1 slot ("across"), 1 TaskManager process × 2 slots. */
  readonly shuffle: PairedRates;
  /** Bytes the shuffle moves between the processes (the records that change subtask) and the socket's rate for them, as records/s of the job. */
  readonly crossingBytes: number;
  readonly socketCeiling: number;
  readonly q5Events: number;
  readonly q5: PairedRates;
}

const shuffleJob: Omit<BenchJobOptions, 'slots'> = {
  jobFile: 'packages/cli/bench-jobs/window-count.ts',
  parallelism: 2,
  args: ['--events', String(EVENTS), '--size', String(SIZE_MS)],
  records: EVENTS,
  warmup: { args: ['--events', String(EVENTS / 4), '--size', String(SIZE_MS)], records: EVENTS / 4 },
  pollIntervalMs: 50,
  check: (acc) => {
    const expected = baselineWindowCount(EVENTS, SIZE_MS, SIZE_MS);
    if (acc.results !== expected.results || acc.sum !== expected.sum) {
      throw new Error(`keyBy shuffle on TaskManager processes: ${String(acc.results)} results summing to ${String(acc.sum)}, expected ${expected.results} / ${expected.sum}`);
    }
  },
};

const q5Job: Omit<BenchJobOptions, 'slots'> = {
  jobFile: 'examples/nexmark/q5.ts',
  parallelism: 2,
  args: ['--events', String(Q5_EVENTS)],
  records: Q5_EVENTS,
  warmup: { args: ['--events', String(Q5_EVENTS / 4)], records: Q5_EVENTS / 4 },
  pollIntervalMs: 50,
};

/** Measured runs of each job on each cluster, interleaved: the host's load drifts, so each run across is compared with the run in one just before it. */
const ROUNDS = Number(process.env.FLOTT_BENCH_PROCESS_ROUNDS ?? 5);

/**
 * A `flott cluster start` cluster of `taskManagers` processes with `slots` each, and a REST client for
 * it. A TaskManager's task heap is shared by its slots, so it grows with them: every slot thread gets
 * the heap of a one-slot TaskManager (1 GiB by default), and the two clusters differ only in where
 * the slots run.
 */
async function startCluster(taskManagers: number, slots: number): Promise<{ cluster: LocalCluster; client: RestClusterClient }> {
  const heapPerSlot = Configuration.fromRecord({}).get(TaskManagerOptions.TASK_HEAP_SIZE);
  const cluster = new LocalCluster(['-D', `taskmanager.numberOfTaskSlots=${slots}`, '-D', `taskmanager.memory.task.heap.size=${heapPerSlot * slots}`]);
  try {
    await cluster.start(taskManagers);
  } catch (e) {
    await cluster.kill();
    throw e;
  }
  return { cluster, client: new RestClusterClient({ url: cluster.restUrl, configuration: new Configuration(), scheduler: new SystemScheduler() }) };
}

export interface PairedRates {
  readonly across: number;
  readonly inOne: number;
  /** across / in one of each round. */
  readonly ratios: readonly number[];
  readonly ratio: number;
}

/** One warm-up run on each cluster, then ROUNDS rounds of one measured run on each. */
async function paired(job: Omit<BenchJobOptions, 'slots'>, across: RestClusterClient, inOne: RestClusterClient): Promise<PairedRates> {
  const once = async (client: RestClusterClient, slots: number, warm: boolean) =>
    (await runBenchJobOn(client, { ...job, slots, repeats: 1, ...(warm ? {} : { warmup: undefined }) })).rate;
  const rounds: Array<[number, number]> = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push([await once(across, 1, r === 0), await once(inOne, 2, r === 0)]);
  const ratios = rounds.map(([a, b]) => a / b);
  return { across: median(rounds.map(([a]) => a)), inOne: median(rounds.map(([, b]) => b)), ratios, ratio: median(ratios) };
}

/**
 * Bytes of the shuffle's records on the wire: each record's entry header and its msgpack payload, as
 * the engine's default serializer writes it. Each source subtask generates every key alike, so half
 * of the records change subtask (cross between the processes) whichever keys each subtask owns.
 */
function crossingBytes(events: number): number {
  const encoder = msgpackSerializer<unknown>().createEncoder();
  const target = Buffer.alloc(SEGMENT_BYTES);
  let bytes = 0;
  for (let i = 0; i < events; i++) bytes += RECORD_TS_HEADER + encoder.encodeInto(eventAt(i), target, 0, SEGMENT_BYTES);
  return Math.round(bytes / 2);
}

/** A receiver process: reads `bytes` bytes from one connection, then answers one byte. */
const RECEIVER = `
  const net = require('node:net');
  const total = Number(process.argv[1]);
  const server = net.createServer((socket) => {
    let seen = 0;
    socket.on('data', (chunk) => {
      seen += chunk.length;
      if (seen >= total) socket.end(Buffer.from([1]), () => server.close());
    });
  });
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
`;

/** Seconds a loopback socket takes to carry `bytes` from this process to another, in buffer-sized writes that respect back-pressure. */
async function socketSeconds(bytes: number): Promise<number> {
  const { connect } = await import('node:net');
  const child = fork('-e', [RECEIVER, String(bytes)], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m) => resolve(Number(m)));
      child.once('exit', (code) => reject(new Error(`the socket receiver exited (${String(code)})`)));
    });
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const chunk = Buffer.alloc(SEGMENT_BYTES, 7);
    const started = performance.now();
    const done = new Promise<void>((resolve, reject) => socket.once('data', () => resolve()).once('error', reject));
    for (let sent = 0; sent < bytes; sent += SEGMENT_BYTES) {
      if (!socket.write(sent + SEGMENT_BYTES <= bytes ? chunk : chunk.subarray(0, bytes - sent))) await new Promise((r) => socket.once('drain', r));
    }
    await done;
    const seconds = (performance.now() - started) / 1000;
    socket.destroy();
    return seconds;
  } finally {
    child.kill();
  }
}

/** Runs both clusters side by side and the socket ceiling, prints the table and returns the figures for bench-results/latest.json. */
export async function runProcessClusterBench(): Promise<{ processCluster: ProcessClusterFigures }> {
  process.stderr.write(`bench: TaskManager processes (keyBy shuffle ${EVENTS / 1e6} M events, Nexmark q5 ${Q5_EVENTS / 1e6} M events, p=2, ${ROUNDS} interleaved rounds)\n`);
  const clusters: LocalCluster[] = [];
  let shuffle: PairedRates;
  let q5: PairedRates;
  try {
    const [across, inOne] = await Promise.all([startCluster(2, 1), startCluster(1, 2)]);
    clusters.push(across.cluster, inOne.cluster);
    shuffle = await paired(shuffleJob, across.client, inOne.client);
    q5 = await paired(q5Job, across.client, inOne.client);
    await Promise.all(clusters.map((c) => c.stop()));
  } finally {
    await Promise.all(clusters.map((c) => c.kill()));
  }
  const bytes = crossingBytes(EVENTS);
  await socketSeconds(bytes); // warm-up
  const socketCeiling = EVENTS / Math.min(await socketSeconds(bytes), await socketSeconds(bytes));
  const pct = (r: number) => `${(r * 100).toFixed(1)} %`;
  const rounds = (p: PairedRates) => p.ratios.map(pct).join(', ');
  process.stdout.write(
    `| p=2, JobManager + TaskManager processes | 2 TaskManager processes × 1 slot (TCP) | 1 TaskManager process × 2 slots | across / in one (median of rounds) | loopback socket, same bytes | across / socket | target |\n` +
      `|---|---|---|---|---|---|---|\n` +
      `| keyBy shuffle, keyed tumbling count (${EVENTS / 1e6} M events; ${(bytes / 2 ** 20).toFixed(1)} MiB cross) | ${fmtRate(shuffle.across)} | ${fmtRate(shuffle.inOne)} | ` +
      `${pct(shuffle.ratio)} (${rounds(shuffle)}) | ${fmtRate(socketCeiling)} | ${pct(shuffle.across / socketCeiling)} | across ≥ 70 % of in one |\n` +
      `| Nexmark q5 (${Q5_EVENTS / 1e6} M events) | ${fmtRate(q5.across)} | ${fmtRate(q5.inOne)} | ${pct(q5.ratio)} (${rounds(q5)}) | – | – | |\n\n`,
  );
  return { processCluster: { events: EVENTS, shuffle, crossingBytes: bytes, socketCeiling, q5Events: Q5_EVENTS, q5 } };
}
