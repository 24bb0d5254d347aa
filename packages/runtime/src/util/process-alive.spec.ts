import { spawn } from 'node:child_process';
import { isProcessAlive, judgeProcFiles } from './process-alive';

describe('isProcessAlive', () => {
  it('this process runs; a process that never existed does not', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(4_194_304)).toBe(false);
  });

  it('counts a process as gone when its command line lacks the expected part (a pid reused by another process)', async () => {
    const marker = `flott-marker-${process.pid}`;
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)', marker], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('spawn', resolve));
    try {
      expect(isProcessAlive(child.pid!, marker)).toBe(true);
      expect(isProcessAlive(child.pid!, 'a-cluster-folder-it-was-not-started-for')).toBe(false);
      expect(isProcessAlive(child.pid!)).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    expect(isProcessAlive(child.pid!)).toBe(false);
  });

  it('judges from /proc: a zombie is gone; an exiting process (empty command line) is still there; a stranger, a kernel thread too, is gone', () => {
    const running = '4242 (node) S 1 4242 4242 0 -1 4194560 0 0';
    const withParens = '4242 (a (b) c) R 1 4242 4242 0 -1 4194304 0 0';
    const zombie = '4242 (node) Z 1 4242 4242 0 -1 4194572 0 0';
    const exiting = '4242 (node) D 1 4242 4242 0 -1 4194564 0 0'; // PF_EXITING (0x4) set
    const kernelThread = '4242 (kworker/1:2) I 2 0 0 0 -1 69238880 0 0'; // PF_KTHREAD, not exiting
    const ours = 'node\0flott\0--config\0/tmp/cluster/tm-1\0';
    expect(judgeProcFiles(running, undefined)).toBe(true);
    expect(judgeProcFiles(withParens, undefined)).toBe(true);
    expect(judgeProcFiles(zombie, undefined)).toBe(false);
    expect(judgeProcFiles(zombie, ours, '/tmp/cluster/tm-1')).toBe(false);
    expect(judgeProcFiles(running, ours, '/tmp/cluster/tm-1')).toBe(true);
    expect(judgeProcFiles(withParens, ours, '/tmp/cluster/tm-1')).toBe(true);
    expect(judgeProcFiles(running, 'bash\0-c\0sleep 5\0', '/tmp/cluster/tm-1')).toBe(false);
    expect(judgeProcFiles(exiting, '', '/tmp/cluster/tm-1')).toBe(true);
    expect(judgeProcFiles(kernelThread, '', '/tmp/cluster/tm-1')).toBe(false);
    expect(judgeProcFiles(running, '', '/tmp/cluster/tm-1')).toBe(false);
  });
});
