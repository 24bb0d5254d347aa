import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@flott/runtime';
import { finishedFiles, hiddenFiles, SinkSubtask } from '../testing-fixtures/sink-subtask';
import { BasePathBucketAssigner, DateTimeBucketAssigner } from './bucket-assigners';
import { FileSink } from './file-sink';
import { OutputFileConfig, SimpleStringEncoder } from './output-file-config';
import { DefaultRollingPolicy, OnCheckpointRollingPolicy, type RollingPolicy } from './rolling-policies';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flott-file-sink-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

function sink(rollingPolicy: RollingPolicy = OnCheckpointRollingPolicy.build(), config = new OutputFileConfig()): FileSink<string> {
  return FileSink.forRowFormat(dir, new SimpleStringEncoder<string>())
    .withBucketAssigner(new BasePathBucketAssigner())
    .withRollingPolicy(rollingPolicy)
    .withOutputFileConfig(config)
    .withBucketCheckInterval(100)
    .build();
}

describe('FileSink', () => {
  it('writes a hidden in-progress file, keeps it pending at the checkpoint and makes it a finished part file once the checkpoint completed', async () => {
    const s = await new SinkSubtask(sink()).open();
    s.write('a', 'b');
    expect(finishedFiles(dir)).toEqual({});
    const [inProgress] = hiddenFiles(dir);
    expect(inProgress).toMatch(new RegExp(`^\\.part-${UUID}-0\\.inprogress\\.${UUID}$`));

    s.checkpoint(1);
    expect(finishedFiles(dir)).toEqual({});
    expect(hiddenFiles(dir)).toEqual([inProgress]);

    await s.complete(1);
    const finished = finishedFiles(dir);
    expect(Object.values(finished)).toEqual(['a\nb\n']);
    const [name] = Object.keys(finished);
    expect(name).toMatch(new RegExp(`^part-${UUID}-0$`));
    // The in-progress name is the finished one, hidden, with a suffix (Flink's local recoverable writer).
    expect(inProgress.startsWith(`.${name}.inprogress.`)).toBe(true);
    expect(hiddenFiles(dir)).toEqual([]);
    await s.finish();
  });

  it('names part files <prefix>-<uuid>-<counter><suffix>, counting per bucket', async () => {
    const s = await new SinkSubtask(sink(undefined, OutputFileConfig.builder().withPartPrefix('out').withPartSuffix('.txt').build())).open();
    for (let i = 1; i <= 3; i++) {
      s.write(`r${i}`);
      s.checkpoint(i);
      await s.complete(i);
    }
    await s.finish();
    const names = Object.keys(finishedFiles(dir));
    const uuid = names[0].slice('out-'.length, 'out-'.length + 36);
    expect(names).toEqual([`out-${uuid}-0.txt`, `out-${uuid}-1.txt`, `out-${uuid}-2.txt`]);
    expect(Object.values(finishedFiles(dir))).toEqual(['r1\n', 'r2\n', 'r3\n']);
  });

  it('rolls by size: a file larger than the max part size is closed before the next record and at checkpoints', async () => {
    const s = await new SinkSubtask(sink(DefaultRollingPolicy.builder().withMaxPartSize(10).build())).open();
    s.write('aaa', 'bbb', 'ccc', 'ddd', 'eee', 'fff', 'ggg'); // 4 bytes each: a file takes 3 (12 > 10)
    s.checkpoint(1);
    await s.complete(1);
    expect(Object.values(finishedFiles(dir))).toEqual(['aaa\nbbb\nccc\n', 'ddd\neee\nfff\n']);
    expect(hiddenFiles(dir)).toHaveLength(1); // 'ggg' (4 bytes) is not rolled at the checkpoint
    await s.finish();
    expect(Object.values(finishedFiles(dir)).sort()).toEqual(['aaa\nbbb\nccc\n', 'ddd\neee\nfff\n', 'ggg\n']);
  });

  it('rolls by time (rollover and inactivity intervals) at the bucket checks, on the injected clock', async () => {
    const policy = DefaultRollingPolicy.builder().withRolloverInterval(1000).withInactivityInterval(300).build();
    const s = await new SinkSubtask(sink(policy)).open();
    s.write('a');
    s.clock.advance(250);
    s.write('b');
    s.clock.advance(250);
    s.write('c'); // t=500: last write 0 ms ago, created 500 ms ago
    s.clock.advance(400); // t=900: 400 ms without a write (≥ 300): rolled at the check at t=800
    s.write('d');
    for (let t = 0; t < 11; t++) {
      s.clock.advance(100);
      s.write(`e${t}`); // written every 100 ms: never inactive, rolled once 1000 ms old (t=1900)
    }
    s.checkpoint(1);
    await s.complete(1);
    expect(Object.values(finishedFiles(dir)).sort()).toEqual(['a\nb\nc\n', 'd\ne0\ne1\ne2\ne3\ne4\ne5\ne6\ne7\ne8\n']);
    await s.finish();
    expect(Object.values(finishedFiles(dir)).sort()).toEqual(['a\nb\nc\n', 'd\ne0\ne1\ne2\ne3\ne4\ne5\ne6\ne7\ne8\n', 'e9\ne10\n']);
  });

  it('puts records in DateTimeBucketAssigner directories of the processing time', async () => {
    const fileSink = FileSink.forRowFormat(dir, new SimpleStringEncoder<string>())
      .withBucketAssigner(new DateTimeBucketAssigner<string>('yyyy-MM-dd--HH', 'UTC'))
      .build();
    const s = await new SinkSubtask(fileSink, new ManualClock(Date.UTC(2026, 11, 3, 9, 59))).open();
    s.write('x');
    s.clock.advance(60_000);
    s.write('y');
    await s.finish();
    expect(Object.values(finishedFiles(join(dir, '2026-12-03--09')))).toEqual(['x\n']);
    expect(Object.values(finishedFiles(join(dir, '2026-12-03--10')))).toEqual(['y\n']);
  });

  it('after a failure continues the in-progress file from the checkpoint: what was written after it is cut off', async () => {
    const fileSink = sink(DefaultRollingPolicy.builder().build());
    const first = await new SinkSubtask(fileSink).open();
    first.write('a', 'b');
    const snapshot = first.checkpoint(1);
    await first.complete(1);
    const big = 'x'.repeat(70 * 1024); // beyond the write buffer: reaches the file before the failure
    first.write(big, 'lost');
    const [inProgress] = hiddenFiles(dir);
    expect(readFileSync(join(dir, inProgress), 'utf8').length).toBeGreaterThan(70 * 1024);
    await first.close();

    const second = await new SinkSubtask(fileSink).open([snapshot]);
    expect(readFileSync(join(dir, inProgress), 'utf8')).toBe('a\nb\n');
    second.write('c');
    await second.finish();
    expect(Object.values(finishedFiles(dir))).toEqual(['a\nb\nc\n']);
    expect(hiddenFiles(dir)).toEqual([]);
  });

  it('after a failure commits the pending files of the restored checkpoint, also when the failed attempt had committed them already', async () => {
    const fileSink = sink();
    const first = await new SinkSubtask(fileSink).open();
    first.write('a');
    const one = first.checkpoint(1);
    await first.complete(1);
    first.write('b');
    const two = first.checkpoint(2); // checkpoint 2 completes, but the subtask fails before it hears so
    await first.close();
    expect(Object.values(finishedFiles(dir))).toEqual(['a\n']);

    const second = await new SinkSubtask(fileSink).open([two]);
    expect(Object.values(finishedFiles(dir)).sort()).toEqual(['a\n', 'b\n']);
    await second.finish();

    // Restoring checkpoint 1 again (all its files are committed): nothing new, nothing lost.
    const third = await new SinkSubtask(fileSink).open([one]);
    await third.finish();
    expect(Object.values(finishedFiles(dir)).sort()).toEqual(['a\n', 'b\n']);
  });

  it('restores two subtasks into one (rescale 2 → 1): both in-progress files continue or are committed, each line once', async () => {
    const fileSink = sink(DefaultRollingPolicy.builder().build());
    const snapshots = [];
    for (const subtask of [0, 1]) {
      const s = await new SinkSubtask(fileSink, new ManualClock(0), subtask, 2).open();
      s.write(`s${subtask}-1`);
      snapshots.push(s.checkpoint(1));
      s.write(`s${subtask}-lost`);
      await s.close();
    }
    const merged = await new SinkSubtask(fileSink).open(snapshots);
    merged.write('after');
    await merged.finish();
    const lines = Object.values(finishedFiles(dir)).join('').split('\n').filter(Boolean).sort();
    expect(lines).toEqual(['after', 's0-1', 's1-1']);
    expect(hiddenFiles(dir)).toEqual([]);
  });

  it('fails the restore naming the file when an in-progress file of the checkpoint is gone', async () => {
    const fileSink = sink(DefaultRollingPolicy.builder().build());
    const first = await new SinkSubtask(fileSink).open();
    first.write('a');
    const snapshot = first.checkpoint(1);
    await first.close();
    const [inProgress] = hiddenFiles(dir);
    rmSync(join(dir, inProgress));
    await expect(new SinkSubtask(fileSink).open([snapshot])).rejects.toThrow(
      `FileSink: cannot resume the in-progress part file '${join(dir, inProgress)}' from the checkpoint: the in-progress file is gone`,
    );
  });

  it('fails the commit naming both paths when a pending file and its target are gone', async () => {
    const s = await new SinkSubtask(sink()).open();
    s.write('a');
    s.checkpoint(1);
    const [pending] = hiddenFiles(dir);
    rmSync(join(dir, pending));
    await expect(s.complete(1)).rejects.toThrow(/neither it nor its pending file/);
    await s.close();
  });
});

describe('bucket assigners', () => {
  const at = (epochMillis: number) => ({ currentProcessingTime: () => epochMillis, currentWatermark: () => 0, timestamp: () => undefined });
  // 2026-03-04 05:06:07 UTC
  const t = Date.UTC(2026, 2, 4, 5, 6, 7);

  it('DateTimeBucketAssigner formats the processing time with every supported letter, literal text kept, in UTC or local time', () => {
    expect(new DateTimeBucketAssigner('yyyy-MM-dd--HH', 'UTC').getBucketId('x', at(t))).toBe('2026-03-04--05');
    expect(new DateTimeBucketAssigner('yyyy/MM/dd/HH-mm-ss', 'UTC').getBucketId('x', at(t))).toBe('2026/03/04/05-06-07');
    expect(new DateTimeBucketAssigner('day=dd', 'UTC').getBucketId('x', at(t))).toBe('day=04');
    const local = new Date(t);
    expect(new DateTimeBucketAssigner('HH:mm', 'local').getBucketId('x', at(t))).toBe(
      `${String(local.getHours()).padStart(2, '0')}:${String(local.getMinutes()).padStart(2, '0')}`);
    expect(new DateTimeBucketAssigner().formatString).toBe('yyyy-MM-dd--HH');
  });

  it('BasePathBucketAssigner puts every record in the base path', () => {
    expect(new BasePathBucketAssigner<string>().getBucketId()).toBe('');
  });
});
