/**
 * Fine-grained resources through the real `flott` binary: a slot sharing group that declares CPU
 * cores and task heap runs in dynamic slots carved from the TaskManager's total resources
 * (taskmanager.cpu.cores, taskmanager.memory.task.heap.size) beside a default slot; a group that asks
 * for more than a TaskManager has fails the job at once with a message naming both.
 */
import { lastJsonLine, runFlott } from './run-cli';

const JOB = 'packages/cli/test-jobs/fine-grained.ts';
// Two default slots of 2 cores and 512 MB each; the heavy group's two slots take 1 core and 128 MB each.
const CLUSTER = ['-D', 'taskmanager.numberOfTaskSlots=2', '-D', 'taskmanager.cpu.cores=4', '-D', 'taskmanager.memory.task.heap.size=1g'];

describe('fine-grained resources', () => {
  it('runs a slot sharing group in dynamic slots of its declared resources, with the exact result', async () => {
    const r = await runFlott(['run', ...CLUSTER, '-D', 'log.level=info', JOB, '--n', '2000', '--heavy-cores', '1', '--heavy-heap', '128'], 120_000);
    expect([r.code, r.stderr]).toEqual([0, expect.any(String)]);
    expect(lastJsonLine<number[]>(r)).toEqual(Array.from({ length: 2000 }, (_, i) => (i + 1) * (i + 1)));
    // The heavy group's two slots are dynamic ones (indexes 2 and 3, after the two default slots); the rest runs in a default slot.
    const allocated = [...r.stderr.matchAll(/Allocated slot (\d+) \(/g)].map((m) => Number(m[1])).sort();
    expect(allocated).toEqual([0, 2, 3]);
  }, 150_000);

  it('fails at once, saying why, when a group needs more than a TaskManager has', async () => {
    const r = await runFlott(['run', ...CLUSTER, JOB, '--n', '10', '--heavy-cores', '8', '--heavy-heap', '128'], 120_000);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("slot sharing group 'heavy' needs 8 CPU core(s), 128 MB task heap per slot, but the largest TaskManager has 4 CPU core(s), 1024 MB task heap");
  }, 150_000);
});
