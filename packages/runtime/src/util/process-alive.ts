import * as fs from 'node:fs';

/**
 * Whether process `pid` runs: it exists (signal 0 reaches it, or we may not signal it) and is not a
 * zombie. A detached process whose parent is gone is reaped by the system's init, which in a
 * container may be late or never: until then signal 0 still reaches the exited process, so on Linux
 * its state in /proc says whether it has exited. With `commandLineIncludes`, a process whose command
 * line lacks it is not the one recorded under that pid (the pid was reused after it ended): it counts
 * as gone, so nobody signals a stranger.
 */
export function isProcessAlive(pid: number, commandLineIncludes?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true; // no /proc (not Linux): signal 0 is all there is
  }
  // pid (comm) state ...: the command may hold spaces and parentheses, the state follows the last ')'.
  if (stat.charAt(stat.lastIndexOf(')') + 2) === 'Z') return false;
  if (commandLineIncludes === undefined) return true;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(commandLineIncludes);
  } catch {
    return false; // gone between the two reads
  }
}
