import * as fs from 'node:fs';

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
