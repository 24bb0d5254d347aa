import * as fs from 'node:fs';

/**
 * Whether process `pid` runs: it exists (signal 0 reaches it, or we may not signal it) and is not a
 * zombie. A detached process whose parent is gone is reaped by the system's init, which in a
 * container may be late or never: until then signal 0 still reaches the exited process, so on Linux
 * its state in /proc says whether it has exited.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ...: the command may hold spaces and parentheses, the state follows the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): signal 0 is all there is
  }
}
