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
  let cmdline: string | undefined;
  if (commandLineIncludes !== undefined) {
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return false; // gone between the two reads
    }
  }
  return judgeProcFiles(stat, cmdline, commandLineIncludes);
}

/**
 * The judgement of {@link isProcessAlive} from a process's /proc `stat` and `cmdline` (read only when
 * `commandLineIncludes` is given).
 *
 * An exiting process (PF_EXITING in its flags) has released its memory before it becomes a zombie,
 * and its command line reads empty in between: it is still there (a release that polls for the
 * worker's end must not take it for gone). Any other process whose command line lacks the expected
 * part, a kernel thread's empty one too, is a stranger that reused the pid.
 */
export function judgeProcFiles(stat: string, cmdline: string | undefined, commandLineIncludes?: string): boolean {
  // pid (comm) state ppid pgrp session tty_nr tpgid flags ...: the command may hold spaces and
  // parentheses, the fields follow the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z') return false;
  if (commandLineIncludes === undefined || cmdline === undefined) return true;
  if (cmdline === '' && (Number(fields[6]) & PF_EXITING) !== 0) return true;
  return cmdline.split('\0').join(' ').includes(commandLineIncludes);
}

/** The kernel's flag of a process that is exiting (include/linux/sched.h). */
const PF_EXITING = 0x4;
