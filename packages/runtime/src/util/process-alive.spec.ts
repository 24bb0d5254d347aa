import { spawn } from 'node:child_process';
import { isProcessAlive } from './process-alive';

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
});
