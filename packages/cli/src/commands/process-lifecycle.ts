import * as fs from 'node:fs';
import type { Configuration } from '@flott/core';
import { createProcessLogging, type ProcessLogging } from '@flott/runtime';
import { resolveConfiguration, type CommonOptions } from '../distribution';
import { formatError } from '../errors-format';

export { FLOTT_BIN } from './flott-bin';

/**
 * Runs a cluster process in the foreground until SIGTERM or SIGINT, then stops it with `stop` and
 * resolves with the exit code (0 after a clean stop). A second signal exits at once.
 */
export function runUntilSignalled(stop: (signal: NodeJS.Signals) => Promise<void>, write: (line: string) => void): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        write(`Received ${signal} again; exiting at once.`);
        process.exit(1);
      }
      stopping = true;
      write(`Received ${signal}; shutting down.`);
      stop(signal).then(
        () => resolve(0),
        (e: unknown) => {
          write(`Shutdown failed: ${e instanceof Error ? e.message : String(e)}`);
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/** Writes `content` to `file` atomically (a reader never sees half of it). */
export function writeFileAtomically(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** A started cluster process: what it says once up, and how it stops. */
export interface StartedProcess {
  readonly upLine: string;
  /** Written to --ready-file once up. */
  readonly ready: Record<string, unknown>;
  /** Stops what the process runs; `cause` is the signal, or what `ended` said. */
  stop(cause: string): Promise<void>;
  readonly stoppedLine: string;
  /**
   * Resolves when the process ends by itself rather than by a signal (a TaskManager told that the
   * cluster shut down, an application JobManager whose job ended): it is stopped and exits with `code`.
   */
  readonly ended?: Promise<{ readonly cause: string; readonly code: number }>;
}

/**
 * The life of `flott jobmanager` / `flott taskmanager`: configuration and the process's logging, then
 * `start`; says it is up (and writes the ready file), runs until SIGTERM or Ctrl-C, stops. Exit code 1
 * with the error when it cannot start.
 */
export async function runClusterProcess(
  opts: CommonOptions & { readonly readyFile?: string },
  processName: 'jobmanager' | 'taskmanager',
  start: (config: Configuration, logging: ProcessLogging) => Promise<StartedProcess>,
): Promise<number> {
  let logging: ProcessLogging | undefined;
  const say = (line: string) => process.stdout.write(`${line}\n`);
  let stoppedWith: number | undefined;
  try {
    const config = resolveConfiguration(opts);
    logging = createProcessLogging(config, { processName });
    const started = await start(config, logging);
    // From here on (main.ts leaves it off while the process's own modules load): job code loaded later is mapped.
    process.setSourceMapsEnabled(true);
    // One stop, whichever comes first (a signal, or the process ending by itself) and however many come.
    let stopping: Promise<void> | undefined;
    const stop = (cause: string) => (stopping ??= started.stop(cause));
    say(started.upLine);
    if (opts.readyFile) writeFileAtomically(opts.readyFile, JSON.stringify({ pid: process.pid, ...started.ready }));
    const stopped = runUntilSignalled(async (signal) => {
      await stop(signal);
      say(started.stoppedLine);
    }, (line) => process.stderr.write(`${line}\n`));
    const ended = started.ended?.then(async ({ cause, code: endCode }) => {
      say(`${cause}; shutting down.`);
      await stop(cause);
      say(started.stoppedLine);
      return endCode;
    }).catch((e: unknown) => {
      process.stderr.write(`Shutdown failed: ${formatError(e)}\n`);
      return 1;
    });
    const code = await (ended ? Promise.race([stopped, ended]) : stopped);
    stoppedWith = code;
    return code;
  } catch (e) {
    process.stderr.write(`${formatError(e)}\n`);
    return 1;
  } finally {
    await logging?.close();
    // Stopped: everything the process owns is closed; it ends now rather than when the last stray
    // timer (an RPC's ask timeout, a retry pause) has run out, as Flink's entrypoints exit.
    if (stoppedWith !== undefined) process.exit(stoppedWith);
  }
}
