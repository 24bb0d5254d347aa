/**
 * The data plane between TaskManagers against the one between slots: the same keyBy shuffle job (keyed
 * tumbling window count, parallel generator) at parallelism 2, once on two TaskManagers of one slot each
 * (every record that changes subtask crosses a loopback TCP connection through both main threads) and
 * once on one TaskManager with two slots (MessagePort between the slot threads), in one run.
 */
import { baselineWindowCount } from './window-functions';
import { fmtRate, runBenchJob } from './run-job';

const EVENTS = Number(process.env.FLOTT_BENCH_WINDOW_EVENTS ?? 2_000_000);
const SIZE_MS = 10_000;

export interface TcpShuffleFigures {
  readonly events: number;
  readonly tcpRate: number;
  readonly messagePortRate: number;
  readonly tcpRates: readonly number[];
  readonly messagePortRates: readonly number[];
}

async function rateOn(taskManagers: number, slots: number): Promise<{ rate: number; rates: number[] }> {
  const expected = baselineWindowCount(EVENTS, SIZE_MS, SIZE_MS);
  return runBenchJob({
    jobFile: 'packages/cli/bench-jobs/window-count.ts',
    slots,
    parallelism: 2,
    args: ['--events', String(EVENTS), '--size', String(SIZE_MS)],
    records: EVENTS,
    config: { 'minicluster.number-of-taskmanagers': taskManagers },
    warmup: { args: ['--events', String(EVENTS / 4), '--size', String(SIZE_MS)], records: EVENTS / 4 },
    check: (acc) => {
      if (acc.results !== expected.results || acc.sum !== expected.sum) {
        throw new Error(`keyBy shuffle on ${taskManagers} TaskManager(s): ${String(acc.results)} results summing to ${String(acc.sum)}, expected ${expected.results} / ${expected.sum}`);
      }
    },
  });
}

/** Runs both, prints the table and returns the figures for bench-results/latest.json. */
export async function runTcpShuffleBench(): Promise<{ tcpShuffle: TcpShuffleFigures }> {
  const tcp = await rateOn(2, 1);
  const port = await rateOn(1, 2);
  process.stdout.write(
    `| keyBy shuffle, keyed tumbling count, p=2 (${EVENTS / 1e6} M events) | 2 TaskManagers × 1 slot (TCP) | 1 TaskManager × 2 slots (MessagePort) | ratio |\n|---|---|---|---|\n` +
      `| records/s | ${fmtRate(tcp.rate)} | ${fmtRate(port.rate)} | ${((tcp.rate / port.rate) * 100).toFixed(1)} % |\n\n`,
  );
  return { tcpShuffle: { events: EVENTS, tcpRate: tcp.rate, messagePortRate: port.rate, tcpRates: tcp.rates, messagePortRates: port.rates } };
}
